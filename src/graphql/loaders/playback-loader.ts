/**
 * The per-request DataLoader of playback grants. Keys are normalized file names (backslashes → `/`)
 * so that both spellings of a file cost one upstream call; a batch asks the server's PlaybackGrants
 * for each distinct name at once (the CC client caps how many requestPlayVoice calls run at once).
 * A failing name yields its own Error and never fails its siblings.
 */
import DataLoader from 'dataloader';
import { normalizeCcFileName, type PlayVoiceGrant } from '../../cc/types.js';
import type { PlaybackGrants } from '../../data/playback-grants/playback-grants.js';
import type { Metrics } from '../../observability/metrics.js';

export const PLAYBACK_MAX_BATCH_SIZE = 500;

export type PlaybackLoader = DataLoader<string, PlayVoiceGrant, string>;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function createPlaybackLoader(grants: PlaybackGrants, metrics: Metrics): PlaybackLoader {
  return new DataLoader<string, PlayVoiceGrant, string>(
    async (keys) => {
      metrics.loaderBatchSize.observe({ loader: 'playback' }, keys.length);
      return Promise.all(keys.map((key) => grants.grantFor(key).catch(asError)));
    },
    { maxBatchSize: PLAYBACK_MAX_BATCH_SIZE, cacheKeyFn: normalizeCcFileName },
  );
}

/** Loads the grant of a file by any spelling of its name. */
export function loadPlayback(loader: PlaybackLoader, fileName: string): Promise<PlayVoiceGrant> {
  return loader.load(normalizeCcFileName(fileName));
}
