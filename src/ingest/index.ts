/**
 * The write side, wired: the callback route, the agent-operation index requests, and (when
 * RECORDING_INDEX_INTERVAL_SECONDS is not 0) the recording-index ingestion loop.
 */
import type { Router } from 'express';
import { callbackKeys, type Config } from '../config.js';
import type { CcfsApi } from '../cc/types.js';
import type { DatabaseHandle } from '../db/connection.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createAgentOperationIndexRequests, type AgentOperationIndexRequests } from './agent-operation-requests.js';
import { createCallbackRoute } from './callback-route.js';
import { RecordingIndexIngester, type RecordingIndexIngesterOptions } from './recording-index-ingester.js';

export interface Ingestion extends AgentOperationIndexRequests {
  /** POST /cc/callback */
  callbackRoute: Router;
  /** undefined when ingestion is off (interval 0). */
  ingester: RecordingIndexIngester | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface IngestionDeps {
  config: Config;
  handle: DatabaseHandle;
  ccfs: CcfsApi;
  logger: Logger;
  metrics: Metrics;
  /** Faster loops and backoffs (tests, simulator mode). */
  tuning?: Partial<Pick<RecordingIndexIngesterOptions, 'tickMs' | 'batchSize' | 'leaseMs' | 'retryBackoff' | 'pollBackoff' | 'fileWaitLimitMs' | 'maxWindowMs' | 'instanceId' | 'now'>>;
}

export function createIngestion({ config, handle, ccfs, logger, metrics, tuning = {} }: IngestionDeps): Ingestion {
  const index = config.recordingIndex;
  const ingester =
    index.intervalSeconds === 0
      ? undefined
      : new RecordingIndexIngester({
          handle,
          ccfs,
          logger,
          metrics,
          timeZone: config.ccTimeZone,
          callbackUrl: config.callback.url,
          intervalMs: index.intervalSeconds * 1000,
          startMs: index.start?.getTime(),
          overlapMs: index.overlapSeconds * 1000,
          callbackWaitMs: index.callbackWaitSeconds * 1000,
          maxUncompressedBytes: index.maxUncompressedBytes,
          ...tuning,
        });
  const requests = createAgentOperationIndexRequests({
    handle,
    ccfs,
    timeZone: config.ccTimeZone,
    callbackUrl: config.callback.url,
    ...(tuning.now === undefined ? {} : { now: tuning.now }),
  });
  const callbackRoute = createCallbackRoute({
    handle,
    keys: callbackKeys(config),
    logger,
    metrics,
    onReported: (_fileName, kind) => {
      if (kind === 'record') ingester?.kick();
    },
    ...(tuning.now === undefined ? {} : { now: tuning.now }),
  });
  return {
    ...requests,
    callbackRoute,
    ingester,
    start: async () => {
      if (config.callback.url.startsWith('http:') && config.nodeEnv === 'production') {
        logger.warn('CC_CALLBACK_URL is not HTTPS: the CC-FS only calls back HTTPS URLs with a trusted certificate');
      }
      await ingester?.start();
    },
    stop: async () => {
      await ingester?.stop();
    },
  };
}

export { RecordingIndexIngester } from './recording-index-ingester.js';
export type { AgentOperationIndexRequest, RequestedAgentOperationIndex } from './agent-operation-requests.js';
