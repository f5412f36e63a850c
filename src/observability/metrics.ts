/**
 * Prometheus metrics (prom-client). One registry per server instance, so that tests that start
 * several servers in one process do not share counters. Components receive the Metrics object.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    upstreamDuration: new Histogram({
      name: 'cc_upstream_request_duration_seconds',
      help: 'CC platform calls until the response headers (downloads) or the whole JSON answer, by interface and result',
      labelNames: ['interface', 'result'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    loaderBatchSize: new Histogram({
      name: 'graphql_loader_batch_size',
      help: 'Keys per DataLoader batch',
      labelNames: ['loader'] as const,
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    tokenCache: new Counter({
      name: 'playback_token_cache_total',
      help: 'Playback token cache lookups by outcome (hit, miss)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    activeStreams: new Gauge({ name: 'media_active_streams', help: 'Media route responses in progress', registers }),
    bytesStreamed: new Counter({
      name: 'media_bytes_streamed_total',
      help: 'Bytes sent by the media route, by link kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    linkRejections: new Counter({
      name: 'media_link_rejections_total',
      help: 'Media links refused, by reason (invalid → 403, expired → 410)',
      labelNames: ['reason'] as const,
      registers,
    }),
    agentSessionState: new Gauge({
      name: 'cc_agent_session_signed_in',
      help: '1 while the CC-Gateway service agent is signed in, else 0',
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests served, by route label (/graphql, /media, …), method and status (499: the client left)',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    }),
    dbReadQueries: new Counter({
      name: 'db_read_queries_total',
      help: 'SQL statements sent by the read side (GraphQL) to the recording-index database',
      registers,
    }),
    dbReadDuration: new Histogram({
      name: 'db_read_duration_seconds',
      help: 'Reads of the recording-index database, by query and outcome (ok, error)',
      labelNames: ['query', 'outcome'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    indexWindowsAsked: new Counter({
      name: 'recording_index_windows_asked_total',
      help: 'queryBillData calls for recording-index windows, by result (ok, or the CC error kind)',
      labelNames: ['result'] as const,
      registers,
    }),
    indexFiles: new Counter({
      name: 'recording_index_files_total',
      help: 'Recording-index file attempts by outcome: ingested, not_ready (polled, not there yet), download_failed, refused (content refused: the window is asked again), gave_up (never appeared), duplicate',
      labelNames: ['outcome'] as const,
      registers,
    }),
    indexRowsIngested: new Counter({
      name: 'recording_index_rows_ingested_total',
      help: 'Recording-index rows written by committed ingestions',
      registers,
    }),
    indexRowsSkipped: new Counter({
      name: 'recording_index_rows_skipped_total',
      help: 'Recording-index lines skipped, by reason (column_count, bad_date, field_too_long, line_too_long, broken_quoting, missing_id, bad_value)',
      labelNames: ['reason'] as const,
      registers,
    }),
    indexIngestDuration: new Histogram({
      name: 'recording_index_ingest_duration_seconds',
      help: 'From the first byte of a recording-index download to its committed transaction',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    indexCoverageTo: new Gauge({
      name: 'recording_index_coverage_to_seconds',
      help: 'recordingIndexCoverage.to as Unix seconds (calls that began before it are ingested); 0 before the first ingestion',
      registers,
    }),
    ccCallbacks: new Counter({
      name: 'cc_callbacks_total',
      help: 'POST /cc/callback by result: stored (a file we asked for), unknown_file, unauthorized, bad_request, too_large, error',
      labelNames: ['result'] as const,
      registers,
    }),
    guidRotations: new Counter({
      name: 'cc_agent_guid_rotations_total',
      help: 'Guid rotations followed on the CC-Gateway session',
      registers,
    }),
    forcedSignIns: new Counter({
      name: 'cc_agent_forced_sign_ins_total',
      help: 'Forced sign-ins (forcelogin) of the CC-Gateway service agent: each may have thrown another session out',
      registers,
    }),
    agentPoolSize: new Gauge({
      name: 'cc_agent_pool_size',
      help: 'Service agents in the CC-Gateway agent pool (CC_GATEWAY_AGENTS)',
      registers,
    }),
    agentPoolFree: new Gauge({
      name: 'cc_agent_pool_free',
      help: 'Pool agents no replica holds a lease on (as last seen in the shared store)',
      registers,
    }),
    agentPoolHeld: new Gauge({
      name: 'cc_agent_pool_held',
      help: '1 for the pool agent this replica holds (its lease and session), 0 for the others',
      labelNames: ['agent_id'] as const,
      registers,
    }),
    gatewayRelayed: new Counter({
      name: 'cc_agent_gateway_relayed_total',
      help: 'CC-Gateway downloads relayed between replicas: out (this replica holds no agent) or in (served for another replica)',
      labelNames: ['direction'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
