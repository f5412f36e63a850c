/**
 * The C2 `auth-v2` request signature of CC-FS (docs/cc-platform.md §2), as in Huawei's demo `SignInfo`:
 *
 *   prefix     = auth-v2/{AK}/{yyyy-MM-ddTHH:mm:ssZ}/{signed header names}
 *   signingKey = hex(HMAC-SHA256(SK, prefix))                 (the hex string is the next key)
 *   signature  = hex(HMAC-SHA256(signingKey, canonicalRequest))
 *
 * Pure: the caller serializes the body once and sends exactly the bytes and header values signed here.
 */
import { createHmac } from 'node:crypto';

/** The headers the platform's own examples sign. */
export const DEFAULT_SIGNED_HEADERS = ['content-length', 'content-type', 'host'] as const;

export interface AuthV2Request {
  accessKey: string;
  secretKey: string;
  method: string;
  /** The URI path as sent, e.g. `/CCFS/resource/ccfs/requestPlayVoice` (used as-is). */
  path: string;
  /** Raw (undecoded) query parameters; absent or empty ⇒ no query line. */
  query?: Record<string, string>;
  /** The request headers as sent; names are matched case-insensitively. */
  headers: Record<string, string>;
  /** The exact body that is sent ('' for none); bytes as received when verifying. */
  body: string | Buffer;
  /** Defaults to now; only whole seconds are signed. */
  timestamp?: Date;
  /** Header names to sign; defaults to content-length, content-type, host. */
  signedHeaders?: readonly string[];
}

/**
 * RFC 3986 unreserved characters stay, every other UTF-8 byte becomes `%XX` (upper-case hex).
 * Stricter than encodeURIComponent, which leaves `! ' ( ) *` alone.
 */
export function normalize(value: string | Buffer): string {
  let out = '';
  for (const byte of typeof value === 'string' ? Buffer.from(value, 'utf8') : value) {
    const isUnreserved =
      (byte >= 0x41 && byte <= 0x5a) || // A-Z
      (byte >= 0x61 && byte <= 0x7a) || // a-z
      (byte >= 0x30 && byte <= 0x39) || // 0-9
      byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e; // - . _ ~
    out += isUnreserved ? String.fromCharCode(byte) : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** `2018-07-02T02:42:49Z`: UTC, second precision (Java `yyyy-MM-dd'T'HH:mm:ss'Z'`). */
export function formatAuthV2Timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function headerValue(headers: Record<string, string>, name: string): string {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  // A programming error of ours, never a runtime condition: the caller builds these headers.
  throw new Error(`auth-v2: signed header "${name}" is missing from the request`);
}

/** The string that is HMAC'ed with the signing key (Huawei's demo `canonicalRequest()`). */
export function canonicalRequest(request: AuthV2Request, signedHeaders: readonly string[]): string {
  const names = signedHeaders.map((n) => n.toLowerCase()).sort();
  const canonicalHeaders = names
    .map((name) => `${normalize(name)}:${normalize(headerValue(request.headers, name).trim())}`)
    .sort()
    .join('\n');
  const queryEntries = Object.entries(request.query ?? {});
  const queryLine =
    queryEntries.length === 0
      ? ''
      : queryEntries
          .map(([key, value]) => `${normalize(key)}=${normalize(value)}`)
          .sort()
          .join('&') + '\n';
  return (
    `${request.method.toUpperCase()}\n${request.path}\n${queryLine}${names.join(';')}\n${canonicalHeaders}\n` +
    (request.body.length === 0 ? '' : normalize(request.body))
  );
}

/** hex(HMAC(hex(HMAC(SK, prefix)), canonicalRequest)): the last part of the Authorization value. */
export function authV2Signature(secretKey: string, prefix: string, canonical: string): string {
  const signingKey = createHmac('sha256', secretKey).update(prefix, 'utf8').digest('hex');
  return createHmac('sha256', signingKey).update(canonical, 'utf8').digest('hex');
}

/** The value of the `Authorization` header. */
export function signAuthV2(request: AuthV2Request): string {
  const signedHeaders = [...(request.signedHeaders ?? DEFAULT_SIGNED_HEADERS)].map((n) => n.toLowerCase()).sort();
  const timestamp = formatAuthV2Timestamp(request.timestamp ?? new Date());
  const prefix = `auth-v2/${request.accessKey}/${timestamp}/${signedHeaders.join(';')}`;
  return `${prefix}/${authV2Signature(request.secretKey, prefix, canonicalRequest(request, signedHeaders))}`;
}
