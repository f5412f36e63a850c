/**
 * Opaque, stateless, expiring media links. A token is
 *
 *   base64url( version(1) | kidLength(1) | kid | iv(12) | AES-256-GCM(claims JSON) | tag(16) )
 *
 * with version, kid length and kid bound as additional authenticated data. Nothing of the call is
 * readable, any replica holding the key verifies it, and the kid lets keys rotate: the first key
 * signs, every key verifies. GCM's tag check is OpenSSL's constant-time comparison.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { MediaLinkKey } from '../config.js';
import { fillRandom, randomBase64url } from '../observability/random-pool.js';
import { createLinkReuse } from './link-reuse.js';
import type { VideoFileType } from '../cc/types.js';
import type { Disposition, LinkMinter, LinkTarget, MintedLink, MintRequest } from './link-target.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** 96 random bits. */
const LINK_ID_CHARS = 16;
/** Far above any real token (claims hold a CC token and a file name of at most a few hundred bytes). */
const MAX_TOKEN_CHARS = 4096;

/** Why a token was refused: `invalid` (forged, altered, unknown key → 403) or `expired` (→ 410). */
export type LinkRejectionReason = 'invalid' | 'expired';

export class LinkRejected extends Error {
  override readonly name = 'LinkRejected';
  constructor(
    readonly reason: LinkRejectionReason,
    /** Only for `expired`: the link did authenticate, so its id and key are known (for audit). */
    readonly link?: { linkId: string; kid: string },
  ) {
    super(reason === 'expired' ? 'media link expired' : 'media link invalid');
  }
}

export interface VerifiedLink {
  target: LinkTarget;
  disposition: Disposition;
  fileName: string;
  expiresAt: Date;
  /** Random per minted link; names it in audit events instead of the token. */
  linkId: string;
  kid: string;
  subject?: string;
}

export interface LinkCodec extends LinkMinter {
  /** @throws LinkRejected */
  verify(token: string): VerifiedLink;
}

export interface LinkCodecOptions {
  /** The first key signs; all keys verify. */
  keys: MediaLinkKey[];
  /** Without a trailing slash; links are `${publicBaseUrl}/media/${token}`. */
  publicBaseUrl: string;
  /** Milliseconds since the epoch; tests move time with it. */
  now?: () => number;
  /** Identical requests within one second share one link (link-reuse.ts). Default false. */
  reuseWithinSecond?: boolean;
}

/** The encrypted claims, with short keys to keep URLs short. */
interface Claims {
  t: LinkTarget;
  d: Disposition;
  f: string;
  /** Expiry, epoch seconds. */
  e: number;
  i: string;
  s?: string;
}

export function createLinkCodec(options: LinkCodecOptions): LinkCodec {
  const { keys, now = Date.now } = options;
  if (keys.length === 0) throw new Error('createLinkCodec needs at least one key');
  for (const { kid, key } of keys) {
    if (key.length !== KEY_BYTES) throw new Error(`media link key ${kid} must be ${KEY_BYTES} bytes`);
    if (Buffer.byteLength(kid) < 1 || Buffer.byteLength(kid) > 255) throw new Error('media link kid must be 1..255 bytes');
  }
  const keysByKid = new Map(keys.map((k) => [k.kid, k.key]));
  const signing = sealerFor(keys[0]!);
  const baseUrl = options.publicBaseUrl.replace(/\/+$/, '');

  const reuse = options.reuseWithinSecond ? createLinkReuse() : undefined;

  function mint(request: MintRequest): MintedLink {
    if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds < 1) {
      throw new RangeError('ttlSeconds must be a positive integer');
    }
    const nowMs = now();
    const untilMs = Math.min(nowMs + request.ttlSeconds * 1000, request.notAfter?.getTime() ?? Infinity);
    // Whole seconds, rounded down, so the link never outlives notAfter (e.g. the CC token).
    const exp = Math.floor(untilMs / 1000);
    if (reuse === undefined) return seal(request, exp);
    return reuse(request, exp, nowMs, () => seal(request, exp));
  }

  function seal(request: MintRequest, exp: number): MintedLink {
    const claims: Claims = {
      t: request.target,
      d: request.disposition,
      f: request.fileName,
      e: exp,
      i: randomBase64url(LINK_ID_CHARS),
      ...(request.subject === undefined ? {} : { s: request.subject }),
    };
    const token = signing(Buffer.from(JSON.stringify(claims), 'utf8'));
    return { url: `${baseUrl}/media/${token}`, expiresAt: new Date(exp * 1000), fileName: request.fileName };
  }

  function verify(token: string): VerifiedLink {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS) throw new LinkRejected('invalid');
    const raw = Buffer.from(token, 'base64url');
    // Node's decoder skips foreign characters and ignores trailing bits: only the canonical form counts,
    // so that every altered character is an altered token.
    if (raw.toString('base64url') !== token) throw new LinkRejected('invalid');
    if (raw.length < 2 || raw[0] !== VERSION) throw new LinkRejected('invalid');
    const kidLength = raw[1]!;
    const ivStart = 2 + kidLength;
    const bodyStart = ivStart + IV_BYTES;
    if (kidLength === 0 || raw.length <= bodyStart + TAG_BYTES) throw new LinkRejected('invalid');
    const kid = raw.subarray(2, ivStart).toString('utf8');
    const key = keysByKid.get(kid);
    if (key === undefined) throw new LinkRejected('invalid');

    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(ivStart, bodyStart), { authTagLength: TAG_BYTES });
      decipher.setAAD(raw.subarray(0, ivStart));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      plain = Buffer.concat([decipher.update(raw.subarray(bodyStart, raw.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new LinkRejected('invalid');
    }
    const claims = parseClaims(plain);
    // Only now, with the token authenticated, may the answer differ from "invalid".
    if (now() >= claims.e * 1000) throw new LinkRejected('expired', { linkId: claims.i, kid });
    return {
      target: claims.t,
      disposition: claims.d,
      fileName: claims.f,
      expiresAt: new Date(claims.e * 1000),
      linkId: claims.i,
      kid,
      ...(claims.s === undefined ? {} : { subject: claims.s }),
    };
  }

  return { mint, verify };
}

/**
 * The sealing function of one key. The header (version, kid) is built once; each token is assembled
 * in one buffer, with its IV drawn from the random pool.
 */
function sealerFor({ kid, key }: MediaLinkKey): (plain: Buffer) => string {
  const kidBytes = Buffer.from(kid, 'utf8');
  const header = Buffer.concat([Buffer.from([VERSION, kidBytes.length]), kidBytes]);
  const ivStart = header.length;
  const bodyStart = ivStart + IV_BYTES;
  return (plain) => {
    const token = Buffer.allocUnsafe(bodyStart + plain.length + TAG_BYTES);
    header.copy(token, 0);
    fillRandom(token, ivStart, IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, token.subarray(ivStart, bodyStart), { authTagLength: TAG_BYTES });
    cipher.setAAD(header);
    // GCM is a stream mode: the ciphertext is as long as the plaintext and final() adds nothing.
    cipher.update(plain).copy(token, bodyStart);
    cipher.final();
    cipher.getAuthTag().copy(token, bodyStart + plain.length);
    return token.toString('base64url');
  };
}

/** Authenticated claims are ours, but a shape check keeps a future format change from reaching the CC layer. */
function parseClaims(plain: Buffer): Claims {
  let value: unknown;
  try {
    value = JSON.parse(plain.toString('utf8'));
  } catch {
    throw new LinkRejected('invalid');
  }
  if (!isRecord(value)) throw new LinkRejected('invalid');
  const { t, d, f, e, i, s } = value;
  if (
    !isLinkTarget(t) ||
    (d !== 'inline' && d !== 'attachment') ||
    typeof f !== 'string' ||
    typeof e !== 'number' ||
    !Number.isFinite(e) ||
    typeof i !== 'string' ||
    (s !== undefined && typeof s !== 'string')
  ) {
    throw new LinkRejected('invalid');
  }
  return { t, d, f, e, i, ...(s === undefined ? {} : { s }) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isLinkTarget(value: unknown): value is LinkTarget {
  if (!isRecord(value)) return false;
  switch (value.kind) {
    case 'playVoice':
      return typeof value.token === 'string' && typeof value.fileName === 'string';
    case 'downloadRecord':
      return optionalString(value.fileName) && optionalString(value.callId) && optionalString(value.ccId);
    case 'recordFileDownloadEx':
      return typeof value.callId === 'string' && optionalString(value.hwFileName) && optionalString(value.workNo);
    case 'videoFileDownload':
      return typeof value.conferenceId === 'string' && optionalString(value.recordId) && isVideoFileType(value.fileType);
    case 'agentOprInfoFile':
      return typeof value.fileName === 'string';
    default:
      return false;
  }
}

function isVideoFileType(value: unknown): value is VideoFileType {
  return value === 0 || value === 1 || value === 2;
}
