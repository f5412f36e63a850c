/**
 * Playback tokens shared across requests. A requestPlayVoice token lives 30 minutes; it is reused
 * while more than a margin of its life is left (default 5 minutes: reuse for 25 of 30 minutes) and
 * never handed out with less than MIN_REMAINING_SECONDS left, so a player that starts from it has
 * time to finish. Only grants are stored: refusals and failures never are.
 *
 * Kept behind a two-method interface so a shared store (Redis) can replace the in-memory LRU.
 */
import { LRUCache } from 'lru-cache';
import type { PlayVoiceGrant } from '../../cc/types.js';

export interface TokenCache {
  /** A grant that may still be handed out, or undefined. Keys are normalized file names. */
  get(key: string): Promise<PlayVoiceGrant | undefined>;
  /** `get` without waiting, for a cache that can answer at once (in memory); a shared store has none. */
  peek?(key: string): PlayVoiceGrant | undefined;
  set(key: string, grant: PlayVoiceGrant): Promise<void>;
  /** Drops the entry if it still holds `token` (the platform refused it, e.g. after a CC-FS restart). */
  forget(key: string, token: string): Promise<void>;
}

/** The floor: whatever the configuration, a cached token has at least this long left. */
export const MIN_REMAINING_SECONDS = 5 * 60;

export interface MemoryTokenCacheOptions {
  /** Most entries kept. Default 10 000. */
  max?: number;
  /** Reuse while more than this is left. Default (and minimum) MIN_REMAINING_SECONDS. */
  reuseMarginSeconds?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export function reuseMarginMs(reuseMarginSeconds: number | undefined): number {
  return Math.max(MIN_REMAINING_SECONDS, reuseMarginSeconds ?? MIN_REMAINING_SECONDS) * 1000;
}

export function createMemoryTokenCache(options: MemoryTokenCacheOptions = {}): TokenCache {
  const now = options.now ?? Date.now;
  const marginMs = reuseMarginMs(options.reuseMarginSeconds);
  const cache = new LRUCache<string, PlayVoiceGrant>({ max: options.max ?? 10_000 });

  const peek = (key: string): PlayVoiceGrant | undefined => {
    const grant = cache.get(key);
    if (grant === undefined) return undefined;
    if (grant.expiresAt.getTime() - now() > marginMs) return grant;
    cache.delete(key);
    return undefined;
  };

  return {
    peek,
    async get(key) {
      return peek(key);
    },
    async set(key, grant) {
      const reusableMs = grant.expiresAt.getTime() - now() - marginMs;
      if (reusableMs <= 0) return;
      // The LRU's own TTL frees the entry at the end of its reuse window; `get` checks again with `now`.
      cache.set(key, grant, { ttl: Math.ceil(reusableMs) });
    },
    async forget(key, token) {
      if (cache.peek(key)?.token === token) cache.delete(key);
    },
  };
}
