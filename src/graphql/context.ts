/**
 * What every resolver receives. Services live as long as the server; loaders are created fresh
 * for each request (their caches are per request, so a refusal is never remembered across
 * requests); playback grants, the operation store and the recording-index database are the only
 * cross-request state.
 */
import type { CallerAuth } from '../auth/caller-auth.js';
import type { Config } from '../config.js';
import type { CcfsApi, GatewayApi } from '../cc/types.js';
import type { AgentOperationStore } from '../data/agent-operations-store.js';
import type { RequestAgentOperationIndex } from '../data/agent-operation-requests.js';
import type { RecordingIndexReader } from '../data/recording-index/recording-index-reader.js';
import type { PlaybackGrants } from '../data/playback-grants/playback-grants.js';
import type { LinkMinter } from '../media/link-target.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { runWithRequestContext, type RequestContext } from '../observability/request-context.js';
import { createPlaybackLoader, type PlaybackLoader } from './loaders/playback-loader.js';
import { createRecordingIndexLoaders, type RecordingIndexLoaders } from './loaders/recording-index-loaders.js';
import type { KeysetCursorCodec } from './paging/keyset-cursor.js';

export interface GraphQLServices {
  config: Config;
  ccfs: CcfsApi;
  /** Undefined while CC_GATEWAY_BASE_URL is unset: gateway fields answer CC_GATEWAY_NOT_CONFIGURED. */
  gateway: GatewayApi | undefined;
  links: LinkMinter;
  operations: AgentOperationStore;
  playbackGrants: PlaybackGrants;
  /** The ingested recording index and the agent operation indexes asked for (src/data). */
  recordingIndex: RecordingIndexReader;
  /** Asks the CC-FS for an agent operation index (the write side, src/ingest). */
  requestAgentOperationIndex: RequestAgentOperationIndex;
  /** searchRecordings' `after` cursors. */
  cursors: KeysetCursorCodec;
  logger: Logger;
  metrics: Metrics;
}

export interface GraphQLLoaders {
  /** Playback grants by normalized file name. */
  playback: PlaybackLoader;
  /** Index rows by call id and by file name, readiness of agent operation indexes. */
  index: RecordingIndexLoaders;
}

export interface GraphQLContext {
  services: GraphQLServices;
  loaders: GraphQLLoaders;
  /** The verified end user, or why there is none (src/auth): link minting checks it (mint-link.ts). */
  auth: CallerAuth;
  /** The HTTP request: its id for log lines, its trace for the CC calls it causes (inRequest). */
  request: RequestContext;
}

export function createContext(services: GraphQLServices, auth: CallerAuth, request: RequestContext): GraphQLContext {
  return {
    services,
    loaders: {
      playback: createPlaybackLoader(services.playbackGrants, services.metrics, request),
      index: createRecordingIndexLoaders(services.recordingIndex, services.metrics),
    },
    auth,
    request,
  };
}

/**
 * Upstream work done for this request (a CC call, a shared download it starts): run in the request
 * context, so the CC transport sends the request's traceparent and log lines name the request.
 */
export function inRequest<T>(context: Pick<GraphQLContext, 'request'>, work: () => Promise<T>): Promise<T> {
  return runWithRequestContext(context.request, work);
}
