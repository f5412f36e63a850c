/**
 * Who may ask a replica to relay a CC-Gateway download: only another replica of the same
 * deployment. Each relayed request carries `x-cc-relay-auth: v1.<kid>.<unix ms>.<HMAC>` over the
 * time and the request path with its query, keyed by a key derived (HKDF) from a MEDIA_LINK_KEYS
 * key, which every replica has anyway. The first link key signs, every link key verifies (so a key
 * rotation does not break relaying), and a signature older or newer than a minute is refused.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { MediaLinkKey } from '../config.js';

export const RELAY_AUTH_HEADER = 'x-cc-relay-auth';
const MAX_SKEW_MS = 60_000;

export interface RelayAuth {
  /** The header value for a GET of `pathAndQuery` (e.g. `/internal/cc-gateway/videofiledownload?…`). */
  sign(pathAndQuery: string): string;
  verify(header: string | undefined, pathAndQuery: string): boolean;
}

function relayKey(key: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, 'cc-media-subgraph', 'agent-gateway relay v1', 32));
}

export function createRelayAuth(linkKeys: readonly MediaLinkKey[], now: () => number = Date.now): RelayAuth {
  if (linkKeys.length === 0) throw new Error('relaying needs MEDIA_LINK_KEYS');
  const keys = new Map(linkKeys.map((k) => [k.kid, relayKey(k.key)]));
  const signer = linkKeys[0]!;
  const mac = (key: Buffer, time: string, pathAndQuery: string) => createHmac('sha256', key).update(`${time}\n${pathAndQuery}`).digest();

  return {
    sign(pathAndQuery) {
      const time = String(now());
      return `v1.${signer.kid}.${time}.${mac(keys.get(signer.kid)!, time, pathAndQuery).toString('base64url')}`;
    },
    verify(header, pathAndQuery) {
      const parts = header?.split('.');
      if (parts?.length !== 4 || parts[0] !== 'v1') return false;
      const [, kid, time, signature] = parts as [string, string, string, string];
      const key = keys.get(kid);
      if (key === undefined || !/^\d{1,15}$/.test(time) || Math.abs(now() - Number(time)) > MAX_SKEW_MS) return false;
      const expected = mac(key, time, pathAndQuery);
      const given = Buffer.from(signature, 'base64url');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
