import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createLinkCodec, LinkRejected, type LinkCodec } from '../../src/media/link-token.js';
import type { MintRequest } from '../../src/media/link-target.js';

const k1 = { kid: 'k1', key: randomBytes(32) };
const k2 = { kid: 'k2', key: randomBytes(32) };
const BASE = 'https://media.example.com';
const T0 = Date.parse('2026-11-22T02:00:00Z');

const request: MintRequest = {
  target: { kind: 'downloadRecord', fileName: 'Y:/1/0/20180309/108/2022318.V3', callId: '1527581215-1234' },
  disposition: 'attachment',
  fileName: '2022318.V3',
  ttlSeconds: 900,
  subject: 'alice@example.com',
};

function tokenOf(url: string): string {
  return url.slice(`${BASE}/media/`.length);
}

function rejection(codec: LinkCodec, token: string): string {
  try {
    codec.verify(token);
  } catch (error) {
    if (error instanceof LinkRejected) return error.reason;
    return `unexpected ${String(error)}`;
  }
  return 'accepted';
}

describe('link codec', () => {
  it('round-trips every claim and builds the URL on the public base URL', () => {
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: `${BASE}/`, now: () => T0 });
    const minted = codec.mint(request);
    expect(minted.url.startsWith(`${BASE}/media/`)).toBe(true);
    expect(minted.expiresAt.toISOString()).toBe('2026-11-22T02:15:00.000Z');
    expect(minted.fileName).toBe('2022318.V3');
    const verified = codec.verify(tokenOf(minted.url));
    expect(verified).toMatchObject({
      target: request.target,
      disposition: 'attachment',
      fileName: '2022318.V3',
      kid: 'k1',
      subject: 'alice@example.com',
    });
    expect(verified.expiresAt.getTime()).toBe(minted.expiresAt.getTime());
    expect(verified.linkId).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('reveals nothing of the call in the URL', () => {
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE });
    const url = codec.mint(request).url;
    const decoded = Buffer.from(tokenOf(url), 'base64url').toString('latin1');
    for (const secret of ['2022318', '1527581215', 'downloadRecord', 'alice', '.V3', '20180309']) {
      expect(url).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
  });

  it('gives each link its own id and ciphertext', () => {
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE });
    const a = codec.mint(request);
    const b = codec.mint(request);
    expect(a.url).not.toBe(b.url);
    expect(codec.verify(tokenOf(a.url)).linkId).not.toBe(codec.verify(tokenOf(b.url)).linkId);
  });

  it('never lets a link outlive notAfter (e.g. the CC token), rounding down to whole seconds', () => {
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE, now: () => T0 });
    const notAfter = new Date(T0 + 300_500);
    const minted = codec.mint({ ...request, notAfter });
    expect(minted.expiresAt.getTime()).toBe(T0 + 300_000);
    expect(codec.verify(tokenOf(minted.url)).expiresAt.getTime()).toBe(T0 + 300_000);
  });

  it('answers expired after the expiry and only then', () => {
    let now = T0;
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE, now: () => now });
    const token = tokenOf(codec.mint({ ...request, ttlSeconds: 60 }).url);
    now = T0 + 59_999;
    expect(rejection(codec, token)).toBe('accepted');
    now = T0 + 60_000;
    expect(rejection(codec, token)).toBe('expired');
    try {
      codec.verify(token);
    } catch (error) {
      expect(error).toBeInstanceOf(LinkRejected);
      expect((error as LinkRejected).link?.kid).toBe('k1');
    }
  });

  it('says invalid, not expired, for an expired token that was altered', () => {
    let now = T0;
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE, now: () => now });
    const token = tokenOf(codec.mint({ ...request, ttlSeconds: 60 }).url);
    now = T0 + 3_600_000;
    const altered = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
    expect(rejection(codec, altered)).toBe('invalid');
  });

  it('rejects every single-character alteration as invalid', () => {
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE });
    const token = tokenOf(codec.mint(request).url);
    const replacements = ['A', 'z', '-', '_', '0', '.', '%'];
    let checked = 0;
    for (let i = 0; i < token.length; i++) {
      for (const replacement of replacements) {
        if (token[i] === replacement) continue;
        const altered = token.slice(0, i) + replacement + token.slice(i + 1);
        expect([i, replacement, rejection(codec, altered)]).toEqual([i, replacement, 'invalid']);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(token.length * 5);
  });

  it('rejects truncated, extended and empty tokens and garbage as invalid', () => {
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE });
    const token = tokenOf(codec.mint(request).url);
    for (const bad of [
      '',
      token.slice(0, -1),
      token.slice(0, -4),
      token.slice(1),
      `${token}A`,
      `${token}AAAA`,
      token.slice(0, 20),
      'AQ',
      'not-a-token',
      'x'.repeat(5000),
      `${token}==`,
    ]) {
      expect(rejection(codec, bad)).toBe('invalid');
    }
  });

  it('rejects a token whose version byte or kid was swapped, even for a kid that exists', () => {
    const codec = createLinkCodec({ keys: [k1, { kid: 'k9', key: k1.key }], publicBaseUrl: BASE });
    const raw = Buffer.from(tokenOf(codec.mint(request).url), 'base64url');
    const version = Buffer.from(raw);
    version[0] = 2;
    expect(rejection(codec, version.toString('base64url'))).toBe('invalid');
    // Same key material under another kid: the kid is authenticated data, so this must fail.
    const kid = Buffer.from(raw);
    kid.write('k9', 2, 'latin1');
    expect(rejection(codec, kid.toString('base64url'))).toBe('invalid');
  });

  it('verifies with every key and signs with the first (rotation)', () => {
    const old = createLinkCodec({ keys: [k1], publicBaseUrl: BASE });
    const rotated = createLinkCodec({ keys: [k2, k1], publicBaseUrl: BASE });
    const oldToken = tokenOf(old.mint(request).url);
    expect(rotated.verify(oldToken).kid).toBe('k1');
    const newToken = tokenOf(rotated.mint(request).url);
    expect(rotated.verify(newToken).kid).toBe('k2');
    // A replica that does not know k2 yet: unknown kid → invalid.
    expect(rejection(old, newToken)).toBe('invalid');
    // After k1 is retired, its links stop working.
    const retired = createLinkCodec({ keys: [k2], publicBaseUrl: BASE });
    expect(rejection(retired, oldToken)).toBe('invalid');
  });

  it('refuses to build without keys or with a key of the wrong size, and refuses a bad TTL', () => {
    expect(() => createLinkCodec({ keys: [], publicBaseUrl: BASE })).toThrow();
    expect(() => createLinkCodec({ keys: [{ kid: 'short', key: randomBytes(16) }], publicBaseUrl: BASE })).toThrow();
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE });
    expect(() => codec.mint({ ...request, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => codec.mint({ ...request, ttlSeconds: 1.5 })).toThrow(RangeError);
  });

  it('round-trips every target kind and a non-Latin file name', () => {
    const codec = createLinkCodec({ keys: [k1], publicBaseUrl: BASE });
    const targets: MintRequest['target'][] = [
      { kind: 'playVoice', token: 'cc-token-123', fileName: 'Y:/1/0/20180309/108/2022318.V3' },
      { kind: 'downloadRecord', callId: '1527581215-1234' },
      { kind: 'recordFileDownloadEx', callId: '1527581215-1234', hwFileName: 'Y:/90/0/20210519/4977/1642329.mp4', workNo: '1001' },
      { kind: 'videoFileDownload', conferenceId: '77', recordId: '5', fileType: 2 },
      { kind: 'agentOprInfoFile', fileName: '20180702_9239cb50a8384bb0ab503441bf089446.zip' },
    ];
    for (const target of targets) {
      const verified = codec.verify(tokenOf(codec.mint({ ...request, target, fileName: '录音 1.wav' }).url));
      expect(verified.target).toEqual(target);
      expect(verified.fileName).toBe('录音 1.wav');
    }
  });
});

describe('link reuse within one second (MEDIA_LINK_REUSE)', () => {
  const T = T0 + 250; // a quarter into a second
  const setup = () => {
    let now = T;
    const clock = () => now;
    return {
      reusing: createLinkCodec({ keys: [k1], publicBaseUrl: BASE, now: clock, reuseWithinSecond: true }),
      fresh: createLinkCodec({ keys: [k1], publicBaseUrl: BASE, now: clock }),
      at: (ms: number) => {
        now = ms;
      },
    };
  };

  it('gives identical requests in the same second the same link, with the expiry a fresh link gets', () => {
    const { reusing, fresh, at } = setup();
    const first = reusing.mint(request);
    at(T + 700);
    const again = reusing.mint({ ...request, target: { ...request.target } });
    expect(again.url).toBe(first.url);
    expect(again.expiresAt.getTime()).toBe(fresh.mint(request).expiresAt.getTime());
    expect(reusing.verify(tokenOf(again.url)).linkId).toBe(reusing.verify(tokenOf(first.url)).linkId);
  });

  it('mints a new link, with a new id and the later expiry, in the next second', () => {
    const { reusing, fresh, at } = setup();
    const first = reusing.mint(request);
    at(T + 750); // the next second has begun
    const next = reusing.mint(request);
    expect(next.url).not.toBe(first.url);
    expect(reusing.verify(tokenOf(next.url)).linkId).not.toBe(reusing.verify(tokenOf(first.url)).linkId);
    expect(next.expiresAt.getTime()).toBe(first.expiresAt.getTime() + 1000);
    expect(next.expiresAt.getTime()).toBe(fresh.mint(request).expiresAt.getTime());
  });

  it('renews a link capped by notAfter every second too, although its expiry stays the same', () => {
    const { reusing, at } = setup();
    const capped = { ...request, notAfter: new Date(T0 + 300_500) };
    const first = reusing.mint(capped);
    at(T + 5_000);
    const later = reusing.mint(capped);
    expect(later.expiresAt.getTime()).toBe(first.expiresAt.getTime());
    expect(later.url).not.toBe(first.url);
  });

  it('never shares a link between subjects, targets, dispositions, file names or expiries', () => {
    const { reusing } = setup();
    const base = reusing.mint(request).url;
    const variants: MintRequest[] = [
      { ...request, subject: 'bob@example.com' },
      { ...request, subject: undefined },
      { ...request, target: { kind: 'downloadRecord', fileName: 'Y:/1/0/20180309/108/2022319.V3' } },
      { ...request, disposition: 'inline' },
      { ...request, fileName: 'other.V3' },
      { ...request, ttlSeconds: 901 },
      { ...request, notAfter: new Date(T0 + 60_000) },
      // A target whose fields are a prefix of another's.
      { ...request, target: { kind: 'downloadRecord', fileName: 'Y:/1/0/20180309/108/2022318.V3' } },
    ];
    const urls = variants.map((variant) => reusing.mint(variant).url);
    expect(new Set([base, ...urls]).size).toBe(variants.length + 1);
    for (const [i, variant] of variants.entries()) {
      const verified = reusing.verify(tokenOf(urls[i]!));
      expect(verified.subject).toBe(variant.subject);
      expect(verified.target).toEqual(variant.target);
    }
  });
});
