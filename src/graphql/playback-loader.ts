/**
 * The per-request DataLoader of playback grants. Keys are normalized file names (backslashes → `/`)
 * so that both spellings of a file cost one upstream call; the batch fans out one requestPlayVoice
 * per distinct name (the CC client caps how many run at once) after asking the shared token cache.
 * A failing name yields its own Error and never fails its siblings.
 */
import DataLoader from 'dataloader';
import { normalizeCcFileName, type CcfsApi, type PlayVoiceGrant } from '../cc/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { TokenCache } from './token-cache.js';

export const PLAYBACK_MAX_BATCH_SIZE = 500;

export type PlaybackLoader = DataLoader<string, PlayVoiceGrant, string>;

export interface PlaybackLoaderDeps {
  ccfs: CcfsApi;
  tokenCache: TokenCache;
  metrics: Metrics;
  logger: Logger;
}

/**
 * requestPlayVoice calls in flight, shared by every request of a server (the token cache lives as
 * long as the server): two requests that miss the cache at the same moment wait for one call.
 */
const inflightByCache = new WeakMap<TokenCache, Map<string, Promise<PlayVoiceGrant>>>();

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function createPlaybackLoader(deps: PlaybackLoaderDeps): PlaybackLoader {
  const { ccfs, tokenCache, metrics, logger } = deps;
  let inflight = inflightByCache.get(tokenCache);
  if (inflight === undefined) {
    inflight = new Map();
    inflightByCache.set(tokenCache, inflight);
  }
  const requestsInFlight = inflight;

  async function cached(key: string): Promise<PlayVoiceGrant | undefined> {
    try {
      return await tokenCache.get(key);
    } catch (error) {
      // A cache outage costs an upstream call, not the field.
      logger.warn({ err: asError(error) }, 'playback token cache read failed');
      return undefined;
    }
  }

  async function grantFor(key: string): Promise<PlayVoiceGrant> {
    const hit = await cached(key);
    if (hit) {
      metrics.tokenCache.inc({ outcome: 'hit' });
      return hit;
    }
    const pending = requestsInFlight.get(key);
    if (pending) {
      metrics.tokenCache.inc({ outcome: 'hit' });
      return pending;
    }
    metrics.tokenCache.inc({ outcome: 'miss' });
    const request = requestAndStore(key).finally(() => requestsInFlight.delete(key));
    requestsInFlight.set(key, request);
    return request;
  }

  async function requestAndStore(key: string): Promise<PlayVoiceGrant> {
    const grant = await ccfs.requestPlayVoice(key);
    try {
      await tokenCache.set(key, grant);
    } catch (error) {
      logger.warn({ err: asError(error) }, 'playback token cache write failed');
    }
    return grant;
  }

  return new DataLoader<string, PlayVoiceGrant, string>(
    async (keys) => {
      metrics.loaderBatchSize.observe({ loader: 'playback' }, keys.length);
      return Promise.all(keys.map((key) => grantFor(key).catch(asError)));
    },
    { maxBatchSize: PLAYBACK_MAX_BATCH_SIZE, cacheKeyFn: normalizeCcFileName },
  );
}

/** Loads the grant of a file by any spelling of its name. */
export function loadPlayback(loader: PlaybackLoader, fileName: string): Promise<PlayVoiceGrant> {
  return loader.load(normalizeCcFileName(fileName));
}
