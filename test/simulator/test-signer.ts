/**
 * A tiny auth-v2 signer for the simulator's tests, written from docs/cc-platform.md §2.1–2.2 on its own
 * (neither src/cc's signer nor the simulator's verifier), so the two sides check each other.
 */
import { createHmac } from 'node:crypto';

function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const hmac = (key: string, text: string): string => createHmac('sha256', key).update(text, 'utf8').digest('hex');

export interface SignInput {
  accessKey: string;
  secretKey: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Default: now, second precision. */
  timestamp?: string;
  /** Default content-length;content-type;host (those present). */
  signedHeaders?: string[];
  /** Query pairs (raw values), signed as Huawei's demo does. */
  query?: Record<string, string>;
  emptyQueryLine?: boolean;
}

export function utcSeconds(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function signAuthV2(input: SignInput): string {
  const timestamp = input.timestamp ?? utcSeconds();
  const lower = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const names = (input.signedHeaders ?? ['content-length', 'content-type', 'host'].filter((n) => n in lower)).slice().sort();
  const signed = names.join(';');
  const prefix = `auth-v2/${input.accessKey}/${timestamp}/${signed}`;
  const key = hmac(input.secretKey, prefix);
  const headerLines = names.map((n) => `${percentEncode(n)}:${percentEncode((lower[n] ?? '').trim())}`).sort();
  const query = Object.entries(input.query ?? {})
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .sort()
    .join('&');
  let canonical = `${input.method}\n${input.path}\n`;
  if (query !== '' || input.emptyQueryLine) canonical += `${query}\n`;
  canonical += `${signed}\n${headerLines.join('\n')}\n`;
  if (input.body !== '') canonical += percentEncode(input.body);
  return `${prefix}/${hmac(key, canonical)}`;
}
