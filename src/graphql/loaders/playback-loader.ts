/**
 * The per-request playback grants. Keys are normalized file names (backslashes → `/`) so that both
 * spellings of a file cost one upstream call. A grant already at hand (asked for earlier in this
 * request, or held by the in-memory token cache) is answered at once; the others go through a
 * DataLoader whose batch asks the server's PlaybackGrants for each distinct name (the CC client caps
 * how many requestPlayVoice calls run at once). A failing name yields its own Error and never fails
 * its siblings.
 */
import DataLoader from 'dataloader';
import { normalizeCcFileName, type PlayVoiceGrant } from '../../cc/types.js';
import type { PlaybackGrants } from '../../data/playback-grants/playback-grants.js';
import type { Metrics } from '../../observability/metrics.js';
import { runWithRequestContext, type RequestContext } from '../../observability/request-context.js';

export const PLAYBACK_MAX_BATCH_SIZE = 500;

export interface PlaybackLoader {
  /** The grant of a file (any spelling of its name) when it is at hand without waiting, else undefined. */
  now(fileName: string): PlayVoiceGrant | undefined;
  /** The grant of a file (any spelling of its name), batched with the other loads of this tick. */
  load(fileName: string): Promise<PlayVoiceGrant>;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function createPlaybackLoader(grants: PlaybackGrants, metrics: Metrics, request: RequestContext): PlaybackLoader {
  const known = new Map<string, PlayVoiceGrant>();
  // Made on the first miss: a request whose grants are all cached never builds one.
  let batches: DataLoader<string, PlayVoiceGrant> | undefined;
  const batchLoader = () =>
    (batches ??= new DataLoader<string, PlayVoiceGrant>(
      async (keys) => {
        metrics.loaderBatchSize.observe({ loader: 'playback' }, keys.length);
        // The CC calls of the batch carry this request's trace.
        return runWithRequestContext(request, () => Promise.all(keys.map((key) => grants.grantFor(key).catch(asError))));
      },
      { maxBatchSize: PLAYBACK_MAX_BATCH_SIZE },
    ));

  return {
    now(fileName) {
      const key = normalizeCcFileName(fileName);
      let grant = known.get(key);
      if (grant === undefined) {
        grant = grants.cachedGrant(key);
        if (grant !== undefined) known.set(key, grant);
      }
      return grant;
    },
    load(fileName) {
      const key = normalizeCcFileName(fileName);
      const grant = known.get(key);
      if (grant !== undefined) return Promise.resolve(grant);
      return batchLoader()
        .load(key)
        .then((loaded) => {
          known.set(key, loaded);
          return loaded;
        });
    },
  };
}
