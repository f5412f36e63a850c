/**
 * Media link tokens for fuzzing: random strings and mutations of real tokens (substituted,
 * flipped, cut, lengthened, re-encoded, re-keyed), plus correctly signed but expired ones. A
 * seeded generator makes a failing run repeatable (RELIABILITY_SEED).
 */
import { randomBytes } from 'node:crypto';
import { createLinkCodec } from '../../src/media/link-token.js';
import type { MediaLinkKey } from '../../src/config.js';
import { seededRandom } from '../../src/simulator/agent-opr-csv.js';

export interface FuzzToken {
  category: string;
  /** The path segment after /media/ exactly as sent (already URL-safe). */
  token: string;
  /** 410 for authentic but expired tokens; 403 for everything else. */
  expectedStatus: 403 | 410;
}

// The simulator's seeded PRNG, so that a fuzz run repeats with RELIABILITY_SEED.
export { seededRandom };

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function tokenOf(url: string): string {
  return new URL(url).pathname.replace(/^\/media\//, '');
}

export function generateTokens(options: {
  validTokens: string[];
  keys: MediaLinkKey[];
  publicBaseUrl: string;
  count: number;
  seed: number;
}): FuzzToken[] {
  const random = seededRandom(options.seed);
  const int = (max: number): number => Math.floor(random() * max);
  const char = (): string => BASE64URL[int(BASE64URL.length)]!;
  const valid = (): string => options.validTokens[int(options.validTokens.length)]!;
  const seen = new Set(options.validTokens);
  const tokens: FuzzToken[] = [];
  const add = (category: string, token: string, expectedStatus: 403 | 410 = 403): void => {
    if (token === '' || seen.has(token)) return;
    seen.add(token);
    tokens.push({ category, token, expectedStatus });
  };

  const mutations: Array<[string, () => string]> = [
    ['random base64url', () => Array.from({ length: 1 + int(700) }, char).join('')],
    ['random bytes', () => randomBytes(1 + int(400)).toString('base64url')],
    ['random bytes with version 1 and a kid', () => Buffer.concat([Buffer.from([1, 3]), Buffer.from('rel'), randomBytes(12 + int(300))]).toString('base64url')],
    [
      'random percent-encoded text',
      () => encodeURIComponent(Array.from({ length: 1 + int(60) }, () => String.fromCharCode(int(0x2fff))).join('')),
    ],
    ['path traversal', () => ['..%2F..%2Fgraphql', '..%2f..%2fetc%2fpasswd', '%2e%2e%2f', '..%5C..%5Cwindows', `${valid()}%2F..`][int(5)]!],
    [
      'one character substituted',
      () => {
        const t = valid();
        const at = int(t.length);
        let c = char();
        while (c === t[at]) c = char();
        return t.slice(0, at) + c + t.slice(at + 1);
      },
    ],
    [
      'one bit flipped',
      () => {
        const raw = Buffer.from(valid(), 'base64url');
        const at = int(raw.length);
        raw[at] = raw[at]! ^ (1 << int(8));
        return raw.toString('base64url');
      },
    ],
    ['cut short', () => { const t = valid(); return t.slice(0, int(t.length)); }],
    ['lengthened', () => valid() + Array.from({ length: 1 + int(8) }, char).join('')],
    ['character deleted', () => { const t = valid(); const at = int(t.length); return t.slice(0, at) + t.slice(at + 1); }],
    ['two characters swapped', () => { const t = valid(); const at = int(t.length - 1); return t.slice(0, at) + t[at + 1]! + t[at]! + t.slice(at + 2); }],
    ['two tokens joined', () => valid() + valid()],
    ['re-encoded with padding', () => `${Buffer.from(valid(), 'base64url').toString('base64').replace(/\+/g, '-').replace(/\//g, '_')}`.padEnd(8, '=')],
    ['standard base64', () => encodeURIComponent(Buffer.from(valid(), 'base64url').toString('base64'))],
    ['case flipped', () => valid().replace(/[a-zA-Z]/, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))],
    [
      'version byte changed',
      () => {
        const raw = Buffer.from(valid(), 'base64url');
        raw[0] = 2 + int(250);
        return raw.toString('base64url');
      },
    ],
    [
      'kid changed',
      () => {
        const raw = Buffer.from(valid(), 'base64url');
        raw[2] = raw[2]! ^ 0x20;
        return raw.toString('base64url');
      },
    ],
  ];

  // Authentic but expired: the server's own key, minted with a clock two hours back.
  const past = createLinkCodec({ keys: options.keys, publicBaseUrl: options.publicBaseUrl, now: () => Date.now() - 2 * 3600_000 });
  // Well-formed, but signed with a key the server does not have (same kid, and an unknown kid).
  const foreignKey = { kid: options.keys[0]!.kid, key: randomBytes(32) };
  const forged = createLinkCodec({ keys: [foreignKey], publicBaseUrl: options.publicBaseUrl });
  const unknownKid = createLinkCodec({ keys: [{ kid: 'zz', key: randomBytes(32) }], publicBaseUrl: options.publicBaseUrl });
  const mintWith = (codec: ReturnType<typeof createLinkCodec>, ttlSeconds: number): string =>
    tokenOf(
      codec.mint({
        target: { kind: 'downloadRecord', fileName: `Y:/1/0/20261120/101/${1000000 + int(250)}.V3` },
        disposition: 'attachment',
        fileName: 'x.wav',
        ttlSeconds,
      }).url,
    );

  const expiredCount = Math.ceil(options.count * 0.03);
  for (let i = 0; i < expiredCount; i += 1) add('authentic but expired', mintWith(past, 60 + int(3600)), 410);
  for (let i = 0; i < Math.ceil(options.count * 0.02); i += 1) add('signed with a foreign key', mintWith(forged, 600));
  for (let i = 0; i < Math.ceil(options.count * 0.01); i += 1) add('unknown kid', mintWith(unknownKid, 600));
  while (tokens.length < options.count) {
    const [category, make] = mutations[int(mutations.length)]!;
    add(category, make());
  }
  return tokens;
}
