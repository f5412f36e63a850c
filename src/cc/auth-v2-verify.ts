/**
 * Verifying an auth-v2 signed request that the CC-FS sends us (its callbacks, Huawei cec_07_0814 /
 * cec_07_0818: "requires authentication, see C2"). The signature is recomputed with the signer's
 * own pieces (auth-v2.ts) over the request as received and compared in constant time. Refused:
 * a missing or malformed Authorization, another access key, a timestamp more than `maxSkewMs`
 * from our clock, a signed-header list without `host` or naming a header the request lacks, and
 * any signature mismatch. Accepted timestamp forms: with and without milliseconds; canonical
 * forms: with the query line omitted when empty (Huawei's demo) or always present (the doc's
 * reimplementations).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { authV2Signature, normalize } from './auth-v2.js';

export interface ReceivedRequest {
  method: string;
  /** The path as received, without the query. */
  path: string;
  /** The raw query string after `?` ('' for none). */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifyKeys {
  accessKey: string;
  secretKey: string;
}

export type VerifyFailure = 'missing' | 'malformed' | 'access_key' | 'clock_skew' | 'host_not_signed' | 'signed_header_missing' | 'signature';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

const AUTHORIZATION = /^auth-v2\/([^/]+)\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)\/([a-z0-9;-]+)\/([0-9a-f]{64})$/;

function sameText(a: string, b: string): boolean {
  // Hashes of equal length: the comparison takes the same time whatever the inputs.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function decodePart(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function canonicalQuery(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      return `${normalize(decodePart(key))}=${normalize(decodePart(value))}`;
    })
    .sort()
    .join('&');
}

export function verifyAuthV2Request(request: ReceivedRequest, keys: VerifyKeys, nowMs: number, maxSkewMs: number): VerifyResult {
  const header = headerText(request.headers, 'authorization')?.trim();
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  const match = AUTHORIZATION.exec(header);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, accessKey, timestamp, signedHeaders, signature] = match as unknown as [string, string, string, string, string];
  if (!sameText(accessKey, keys.accessKey)) return { ok: false, reason: 'access_key' };
  const signedAt = Date.parse(timestamp);
  if (Number.isNaN(signedAt) || Math.abs(nowMs - signedAt) > maxSkewMs) return { ok: false, reason: 'clock_skew' };
  const names = signedHeaders.split(';');
  if (names.some((name) => name === '')) return { ok: false, reason: 'malformed' };
  if (!names.includes('host')) return { ok: false, reason: 'host_not_signed' };
  const lines: string[] = [];
  for (const name of names) {
    const value = headerText(request.headers, name);
    if (value === undefined) return { ok: false, reason: 'signed_header_missing' };
    lines.push(`${normalize(name)}:${normalize(value.trim())}`);
  }
  lines.sort();
  const query = canonicalQuery(request.rawQuery);
  const prefix = `auth-v2/${accessKey}/${timestamp}/${signedHeaders}`;
  const tail = `${signedHeaders}\n${lines.join('\n')}\n${request.body.length === 0 ? '' : normalize(request.body)}`;
  const head = `${request.method.toUpperCase()}\n${request.path}\n`;
  const candidates = query === '' ? [`${head}${tail}`, `${head}\n${tail}`] : [`${head}${query}\n${tail}`];
  let matched = false;
  for (const canonical of candidates) {
    // Every candidate is computed and compared, so the time taken does not tell which form failed.
    if (sameText(authV2Signature(keys.secretKey, prefix, canonical), signature)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'signature' };
}
