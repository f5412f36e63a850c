import { describe, expect, it } from '@jest/globals';
import {
  canonicalRequest,
  normalize,
  parseAuthTimestamp,
  parseAuthorization,
  verifyAuthV2,
  type SignedRequestParts,
} from '../../src/simulator/auth-v2-verify.js';
import { signAuthV2 } from './test-signer.js';

// docs/cc-platform.md §2.3 (computed with Huawei's demo algorithm; regression vectors for signer and verifier).
const BODY = '{"request":{"version":"2.0"},"msgBody":{"fileName":"Y:/1/0/20180309/108/2022318.V3"}}';
const VECTOR_FULL =
  'auth-v2/testak/2018-07-02T02:42:49Z/content-length;content-type;host/8ca11ea4193a7189343870fc0f35ec31c20e6cdc16418e7783ec87868e6631be';
const VECTOR_HOST_ONLY = 'auth-v2/testak/2018-07-02T02:42:49Z/host/7cb65dcfb958725cd78667033b19a7853b7bd92cc4c71c00f929783eeb404a6b';
const AT = Date.UTC(2018, 6, 2, 2, 42, 49);

function vectorRequest(authorization: string, change: Partial<SignedRequestParts> = {}, headers: Record<string, string> = {}): SignedRequestParts {
  return {
    method: 'POST',
    rawUrl: '/CCFS/resource/ccfs/requestPlayVoice',
    headers: {
      host: '10.154.198.164:18084',
      'content-type': 'application/json;charset=UTF-8',
      'content-length': '85',
      authorization,
      ...headers,
    },
    body: Buffer.from(BODY),
    ...change,
  };
}

const options = { secretFor: (ak: string) => (ak === 'testak' ? 'testsk' : undefined), nowMs: AT, maxSkewMs: 15 * 60_000 };

function flipLastHex(text: string): string {
  const last = text.slice(-1);
  return text.slice(0, -1) + (last === '0' ? '1' : '0');
}

describe('auth-v2 verifier', () => {
  it('normalizes like PathUtils.normalize (upper-case %XX, only A-Z a-z 0-9 - . _ ~ kept)', () => {
    expect(normalize("a-Z_0.~ /:;={}\"!'()*")).toBe('a-Z_0.~%20%2F%3A%3B%3D%7B%7D%22%21%27%28%29%2A');
    expect(normalize('é')).toBe('%C3%A9');
  });

  it('builds the §2.3 canonical request', () => {
    const parts = vectorRequest(VECTOR_FULL);
    const names = ['content-length', 'content-type', 'host'];
    expect(canonicalRequest(parts, names, names.join(';'), false)).toBe(
      'POST\n/CCFS/resource/ccfs/requestPlayVoice\ncontent-length;content-type;host\n' +
        'content-length:85\ncontent-type:application%2Fjson%3Bcharset%3DUTF-8\nhost:10.154.198.164%3A18084\n' +
        '%7B%22request%22%3A%7B%22version%22%3A%222.0%22%7D%2C%22msgBody%22%3A%7B%22fileName%22%3A%22Y%3A%2F1%2F0%2F20180309%2F108%2F2022318.V3%22%7D%7D',
    );
  });

  it('accepts both worked vectors', () => {
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL), options)).toEqual({ ok: true, accessKey: 'testak' });
    expect(verifyAuthV2(vectorRequest(VECTOR_HOST_ONLY), options)).toEqual({ ok: true, accessKey: 'testak' });
  });

  it('agrees with the independent test signer on the vectors', () => {
    const headers = { host: '10.154.198.164:18084', 'content-type': 'application/json;charset=UTF-8', 'content-length': '85' };
    const common = { accessKey: 'testak', secretKey: 'testsk', method: 'POST', path: '/CCFS/resource/ccfs/requestPlayVoice', headers, body: BODY, timestamp: '2018-07-02T02:42:49Z' };
    expect(signAuthV2(common)).toBe(VECTOR_FULL);
    expect(signAuthV2({ ...common, signedHeaders: ['host'] })).toBe(VECTOR_HOST_ONLY);
  });

  it('rejects a one-character change anywhere', () => {
    const mismatch = { ok: false, reason: 'signature-mismatch' };
    expect(verifyAuthV2(vectorRequest(flipLastHex(VECTOR_FULL)), options)).toEqual(mismatch);
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL, { body: Buffer.from(BODY.replace('2022318', '2022319')) }), options)).toEqual(mismatch);
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL, {}, { host: '10.154.198.164:18085' }), options)).toEqual(mismatch);
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL, {}, { 'content-length': '86' }), options)).toEqual(mismatch);
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL, { method: 'PUT' }), options)).toEqual(mismatch);
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL, { rawUrl: '/CCFS/resource/ccfs/requestPlayVoicE' }), options)).toEqual(mismatch);
    // host-only signature: unsigned headers may change, the body may not.
    expect(verifyAuthV2(vectorRequest(VECTOR_HOST_ONLY, {}, { 'content-type': 'text/plain' }), options).ok).toBe(true);
    expect(verifyAuthV2(vectorRequest(VECTOR_HOST_ONLY, { body: Buffer.from(BODY + ' ') }), options)).toEqual(mismatch);
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL.replace('/testak/', '/testal/')), options)).toEqual({ ok: false, reason: 'unknown-access-key' });
  });

  it('accepts the millisecond timestamp form and both query-line forms (Notes T and Q)', () => {
    const headers = { host: '127.0.0.1:1234', 'content-type': 'application/json;charset=UTF-8', 'content-length': String(BODY.length) };
    const input = { accessKey: 'testak', secretKey: 'testsk', method: 'POST', path: '/CCFS/resource/ccfs/ivr/upload', headers, body: BODY };
    const now = Date.UTC(2021, 7, 31, 9, 38, 50, 872);
    const withMs = signAuthV2({ ...input, timestamp: '2021-08-31T09:38:50.872Z' });
    const request = (authorization: string, rawUrl = input.path): SignedRequestParts => ({ method: 'POST', rawUrl, headers: { ...headers, authorization }, body: Buffer.from(BODY) });
    expect(verifyAuthV2(request(withMs), { ...options, nowMs: now }).ok).toBe(true);

    const noQuery = { ...input, timestamp: '2021-08-31T09:38:50Z' };
    expect(verifyAuthV2(request(signAuthV2(noQuery)), { ...options, nowMs: now }).ok).toBe(true);
    expect(verifyAuthV2(request(signAuthV2({ ...noQuery, emptyQueryLine: true })), { ...options, nowMs: now }).ok).toBe(true);

    const query = { ...noQuery, query: { vdnId: '12', name: 'a b' } };
    expect(verifyAuthV2(request(signAuthV2(query), `${input.path}?vdnId=12&name=a%20b`), { ...options, nowMs: now }).ok).toBe(true);
    expect(verifyAuthV2(request(signAuthV2(query), `${input.path}?vdnId=13&name=a%20b`), { ...options, nowMs: now }).ok).toBe(false);
  });

  it('enforces ±15 minutes of clock skew', () => {
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL), { ...options, nowMs: AT + 15 * 60_000 }).ok).toBe(true);
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL), { ...options, nowMs: AT + 15 * 60_000 + 1 })).toEqual({ ok: false, reason: 'clock-skew' });
    expect(verifyAuthV2(vectorRequest(VECTOR_FULL), { ...options, nowMs: AT - 16 * 60_000 })).toEqual({ ok: false, reason: 'clock-skew' });
  });

  it('requires host among the signed headers and every signed header present', () => {
    const headers = { host: 'h:1', 'content-type': 'application/json', 'content-length': '2' };
    const base = { accessKey: 'testak', secretKey: 'testsk', method: 'POST', path: '/p', headers, body: '{}', timestamp: '2018-07-02T02:42:49Z' };
    const withoutHost = signAuthV2({ ...base, signedHeaders: ['content-type'] });
    const parts = (authorization: string, extra: Record<string, string | undefined> = {}): SignedRequestParts => ({
      method: 'POST',
      rawUrl: '/p',
      headers: { ...headers, authorization, ...extra },
      body: Buffer.from('{}'),
    });
    expect(verifyAuthV2(parts(withoutHost), options)).toEqual({ ok: false, reason: 'host-not-signed' });
    const withDate = signAuthV2({ ...base, headers: { ...headers, 'x-date': 'today' }, signedHeaders: ['host', 'x-date'] });
    expect(verifyAuthV2(parts(withDate, { 'x-date': 'today' }), options).ok).toBe(true);
    expect(verifyAuthV2(parts(withDate), options)).toEqual({ ok: false, reason: 'signed-header-missing' });
  });

  it('parses the Authorization string strictly', () => {
    expect(parseAuthorization(VECTOR_FULL)?.signedHeaderNames).toEqual(['content-length', 'content-type', 'host']);
    expect(parseAuthorization('auth-v1/a/2018-07-02T02:42:49Z/host/' + 'a'.repeat(64))).toBeUndefined();
    expect(parseAuthorization('auth-v2/a/2018-07-02 02:42:49/host/' + 'a'.repeat(64))).toBeUndefined();
    expect(parseAuthorization('auth-v2/a/2018-07-02T02:42:49Z/Host/' + 'a'.repeat(64))).toBeUndefined();
    expect(parseAuthorization('auth-v2/a/2018-07-02T02:42:49Z/host/' + 'A'.repeat(64))).toBeUndefined();
    expect(verifyAuthV2(vectorRequest(''), options)).toEqual({ ok: false, reason: 'missing-authorization' });
    expect(verifyAuthV2(vectorRequest('Bearer x'), options)).toEqual({ ok: false, reason: 'malformed-authorization' });
    expect(parseAuthTimestamp('2018-02-30T00:00:00Z')).toBeUndefined();
    expect(parseAuthTimestamp('2021-08-31T09:38:50.872Z')).toBe(Date.UTC(2021, 7, 31, 9, 38, 50, 872));
  });
});
