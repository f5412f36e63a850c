/**
 * Server-side verification of Huawei's C2 `auth-v2` request signature (docs/cc-platform.md §2).
 *
 * Deliberately written from the notes, independently of src/cc/auth-v2.ts, so that a bug in the
 * client's signer cannot hide behind a shared function. Pure: no I/O, the clock is passed in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The parts of an HTTP request that the signature covers. */
export interface SignedRequestParts {
  method: string;
  /** The request target as received (path plus optional `?query`), not re-encoded. */
  rawUrl: string;
  /** Header values by lower-case name, as Node's `IncomingMessage.headers` gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes (empty when none). */
  body: Buffer;
}

export interface ParsedAuthorization {
  accessKey: string;
  timestamp: string;
  /** Epoch ms of `timestamp`. */
  timestampMs: number;
  signedHeaders: string;
  signedHeaderNames: string[];
  signature: string;
}

export type AuthFailureReason =
  | 'missing-authorization'
  | 'malformed-authorization'
  | 'host-not-signed'
  | 'signed-header-missing'
  | 'unknown-access-key'
  | 'clock-skew'
  | 'signature-mismatch';

export type AuthVerdict = { ok: true; accessKey: string } | { ok: false; reason: AuthFailureReason };

export interface VerifyOptions {
  /** Secret key for an access key, or undefined when the key is unknown. */
  secretFor(accessKey: string): string | undefined;
  nowMs: number;
  /** Largest accepted |now − timestamp|. */
  maxSkewMs: number;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * PathUtils.normalize: UTF-8 bytes; A–Z a–z 0–9 - . _ ~ stay, every other byte becomes %XX (upper-case hex).
 * Stricter than encodeURIComponent, which leaves ! ' ( ) * alone.
 */
export function normalize(input: string | Buffer): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '';
  for (const byte of bytes) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** ISO-8601 UTC with or without milliseconds (docs/cc-platform.md §2.1); undefined when malformed or not a real date. */
export function parseAuthTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const value = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(value);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return value;
}

/** `auth-v2/{ak}/{timestamp}/{signedHeaders}/{signature}`. */
export function parseAuthorization(value: string | undefined): ParsedAuthorization | undefined {
  if (value === undefined) return undefined;
  const parts = value.trim().split('/');
  if (parts.length !== 5 || parts[0] !== 'auth-v2') return undefined;
  const [, accessKey, timestamp, signedHeaders, signature] = parts as [string, string, string, string, string];
  if (accessKey === '' || signedHeaders === '' || !/^[0-9a-f]{64}$/.test(signature)) return undefined;
  const timestampMs = parseAuthTimestamp(timestamp);
  if (timestampMs === undefined) return undefined;
  const signedHeaderNames = signedHeaders.split(';');
  if (signedHeaderNames.some((name) => name === '' || name !== name.toLowerCase())) return undefined;
  return { accessKey, timestamp, timestampMs, signedHeaders, signedHeaderNames, signature };
}

function hmacHex(key: string, message: string | Buffer): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(message).digest('hex');
}

export function authStringPrefix(accessKey: string, timestamp: string, signedHeaders: string): string {
  return `auth-v2/${accessKey}/${timestamp}/${signedHeaders}`;
}

/** The signing key is the hex text of the first HMAC, used as UTF-8 key bytes of the second (docs/cc-platform.md §2.1). */
export function signingKey(secretKey: string, prefix: string): string {
  return hmacHex(secretKey, prefix);
}

function headerValue(headers: SignedRequestParts['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

function decodeQueryPart(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/** Sorted `normalize(k)=normalize(v)` joined by `&`; the signer normalizes raw (decoded) values. */
export function canonicalQueryString(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return `${normalize(decodeQueryPart(key))}=${normalize(decodeQueryPart(value))}`;
    })
    .sort()
    .join('&');
}

/**
 * The canonical request of docs/cc-platform.md §2.2. `emptyQueryLine` selects the variant of some
 * third-party re-implementations, which always emit a (possibly empty) query line; Huawei's demo
 * omits it when there is no query.
 */
export function canonicalRequest(
  parts: SignedRequestParts,
  signedHeaderNames: readonly string[],
  signedHeaders: string,
  emptyQueryLine: boolean,
): string | undefined {
  const q = parts.rawUrl.indexOf('?');
  const path = q < 0 ? parts.rawUrl : parts.rawUrl.slice(0, q);
  const query = q < 0 ? '' : canonicalQueryString(parts.rawUrl.slice(q + 1));
  const canonicalHeaders: string[] = [];
  for (const name of signedHeaderNames) {
    const value = headerValue(parts.headers, name);
    if (value === undefined) return undefined;
    canonicalHeaders.push(`${normalize(name)}:${normalize(value.trim())}`);
  }
  canonicalHeaders.sort();
  let text = `${parts.method.toUpperCase()}\n${path}\n`;
  if (query !== '' || emptyQueryLine) text += `${query}\n`;
  text += `${signedHeaders}\n${canonicalHeaders.join('\n')}\n`;
  if (parts.body.length > 0) text += normalize(parts.body);
  return text;
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Verifies the request's `Authorization` header. Never reveals why to the caller of the HTTP API. */
export function verifyAuthV2(parts: SignedRequestParts, options: VerifyOptions): AuthVerdict {
  const header = headerValue(parts.headers, 'authorization');
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'missing-authorization' };
  const auth = parseAuthorization(header);
  if (!auth) return { ok: false, reason: 'malformed-authorization' };
  if (!auth.signedHeaderNames.includes('host')) return { ok: false, reason: 'host-not-signed' };
  if (auth.signedHeaderNames.some((name) => headerValue(parts.headers, name) === undefined)) {
    return { ok: false, reason: 'signed-header-missing' };
  }
  const secret = options.secretFor(auth.accessKey);
  if (secret === undefined) return { ok: false, reason: 'unknown-access-key' };
  if (Math.abs(options.nowMs - auth.timestampMs) > options.maxSkewMs) return { ok: false, reason: 'clock-skew' };

  const key = signingKey(secret, authStringPrefix(auth.accessKey, auth.timestamp, auth.signedHeaders));
  for (const emptyQueryLine of [false, true]) {
    const text = canonicalRequest(parts, auth.signedHeaderNames, auth.signedHeaders, emptyQueryLine);
    if (text !== undefined && sameHex(hmacHex(key, text), auth.signature)) return { ok: true, accessKey: auth.accessKey };
  }
  return { ok: false, reason: 'signature-mismatch' };
}
