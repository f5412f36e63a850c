/**
 * Playback grants (requestPlayVoice tokens) for the whole server, in one place: the shared token
 * cache first, then one requestPlayVoice per file however many requests miss the cache at the same
 * moment, and renewal of a token the platform refused although the cache still held it (a CC-FS that
 * restarted or failed over forgets its tokens; the media route renews once instead of answering 410
 * for the rest of the token's life). Cache outages cost an upstream call, never the answer.
 */
import { normalizeCcFileName, type CcfsApi, type PlayVoiceGrant } from '../../cc/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { TokenCache } from './token-cache.js';

export interface PlaybackGrants {
  /** The grant of a normalized file name: cached, shared with a call in flight, or fresh. */
  grantFor(key: string): Promise<PlayVoiceGrant>;
  /**
   * The cached grant of a normalized file name when the cache answers without waiting (in memory),
   * else undefined (then grantFor): a warm field resolves without a promise, a batch or a tick.
   */
  cachedGrant(key: string): PlayVoiceGrant | undefined;
  /** A fresh token for a file whose `refusedToken` the platform no longer accepts. */
  renew(fileName: string, refusedToken: string): Promise<string>;
}

export interface PlaybackGrantsDeps {
  ccfs: CcfsApi;
  cache: TokenCache;
  metrics: Metrics;
  logger: Logger;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function createPlaybackGrants({ ccfs, cache, metrics, logger }: PlaybackGrantsDeps): PlaybackGrants {
  const inFlight = new Map<string, Promise<PlayVoiceGrant>>();
  const hits = metrics.tokenCache.labels({ outcome: 'hit' });

  async function cached(key: string): Promise<PlayVoiceGrant | undefined> {
    try {
      return await cache.get(key);
    } catch (error) {
      logger.warn({ err: asError(error) }, 'playback token cache read failed');
      return undefined;
    }
  }

  async function store(key: string, grant: PlayVoiceGrant): Promise<void> {
    try {
      await cache.set(key, grant);
    } catch (error) {
      logger.warn({ err: asError(error) }, 'playback token cache write failed');
    }
  }

  function request(key: string): Promise<PlayVoiceGrant> {
    const pending = (async () => {
      const grant = await ccfs.requestPlayVoice(key);
      await store(key, grant);
      return grant;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
    return pending;
  }

  return {
    cachedGrant(key) {
      const grant = cache.peek?.(key);
      if (grant !== undefined) hits.inc();
      return grant;
    },
    async grantFor(key) {
      const hit = (await cached(key)) ?? inFlight.get(key);
      metrics.tokenCache.inc({ outcome: hit === undefined ? 'miss' : 'hit' });
      return hit ?? request(key);
    },
    async renew(fileName, refusedToken) {
      const key = normalizeCcFileName(fileName);
      try {
        await cache.forget(key, refusedToken);
      } catch (error) {
        logger.warn({ err: asError(error) }, 'playback token cache forget failed');
      }
      return (inFlight.get(key) ?? request(key)).then((grant) => grant.token);
    },
  };
}
