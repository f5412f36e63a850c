import { describe, expect, it } from '@jest/globals';
import { canonicalRequest, formatAuthV2Timestamp, normalize, signAuthV2 } from '../../src/cc/auth-v2.js';

// docs/cc-platform.md §2.3
const body = '{"request":{"version":"2.0"},"msgBody":{"fileName":"Y:/1/0/20180309/108/2022318.V3"}}';
const vector = {
  accessKey: 'testak',
  secretKey: 'testsk',
  method: 'POST',
  path: '/CCFS/resource/ccfs/requestPlayVoice',
  headers: {
    Host: '10.154.198.164:18084',
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': '85',
  },
  body,
  timestamp: new Date('2018-07-02T02:42:49Z'),
};

describe('auth-v2 signer', () => {
  it('reproduces the §2.3 vector signing content-length;content-type;host', () => {
    expect(Buffer.byteLength(body)).toBe(85);
    expect(signAuthV2(vector)).toBe(
      'auth-v2/testak/2018-07-02T02:42:49Z/content-length;content-type;host/8ca11ea4193a7189343870fc0f35ec31c20e6cdc16418e7783ec87868e6631be',
    );
  });

  it('reproduces the §2.3 vector signing only host', () => {
    expect(signAuthV2({ ...vector, signedHeaders: ['host'] })).toBe(
      'auth-v2/testak/2018-07-02T02:42:49Z/host/7cb65dcfb958725cd78667033b19a7853b7bd92cc4c71c00f929783eeb404a6b',
    );
  });

  it('builds the canonical request of §2.3 exactly', () => {
    expect(canonicalRequest(vector, ['content-length', 'content-type', 'host'])).toBe(
      'POST\n/CCFS/resource/ccfs/requestPlayVoice\ncontent-length;content-type;host\n' +
        'content-length:85\ncontent-type:application%2Fjson%3Bcharset%3DUTF-8\nhost:10.154.198.164%3A18084\n' +
        '%7B%22request%22%3A%7B%22version%22%3A%222.0%22%7D%2C%22msgBody%22%3A%7B%22fileName%22%3A%22Y%3A%2F1%2F0%2F20180309%2F108%2F2022318.V3%22%7D%7D',
    );
  });

  it('adds a sorted query line only when there is a query, and no body line for an empty body', () => {
    const withQuery = canonicalRequest(
      { ...vector, method: 'get', body: '', query: { vdnId: '1 2', a: 'x' } },
      ['host'],
    );
    expect(withQuery).toBe('GET\n/CCFS/resource/ccfs/requestPlayVoice\na=x&vdnId=1%202\nhost\nhost:10.154.198.164%3A18084\n');
  });

  it('truncates the timestamp to whole seconds', () => {
    expect(formatAuthV2Timestamp(new Date('2021-08-31T09:38:50.872Z'))).toBe('2021-08-31T09:38:50Z');
    expect(signAuthV2({ ...vector, timestamp: new Date('2018-07-02T02:42:49.999Z') })).toBe(signAuthV2(vector));
  });

  it('normalizes like Huawei PathUtils: unreserved kept, everything else %XX upper-case on UTF-8 bytes', () => {
    expect(normalize("AZaz09-._~!'()* /:;=\"{}")).toBe('AZaz09-._~%21%27%28%29%2A%20%2F%3A%3B%3D%22%7B%7D');
    expect(normalize('é中')).toBe('%C3%A9%E4%B8%AD');
  });

  it('refuses to sign a header that is not sent', () => {
    expect(() => signAuthV2({ ...vector, headers: { Host: 'h:1' } })).toThrow(/content-length/);
  });
});
