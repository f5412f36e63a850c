/**
 * One HTTP server for everything: GraphQL at /graphql, the media route at /media/…, and the
 * operator endpoints (/healthz, /readyz, /metrics). Wiring only: every rule lives in src/graphql,
 * src/media, src/cc, src/auth or src/http.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from './config.js';
import type { CcfsApi, GatewayApi } from './cc/types.js';
import { createLinkCodec, createMediaRoute, type LinkCodec } from './media/index.js';
import { createGraphQLServer } from './graphql/apollo-server.js';
import { createMemoryTokenCache, type TokenCache } from './data/playback-grants/token-cache.js';
import { createPlaybackGrants } from './data/playback-grants/playback-grants.js';
import { createCallerAuthenticator } from './auth/jwt-verifier.js';
import { createRequestTracking, requestId } from './http/request-id.js';
import { createGraphQLEndpoint, isGraphQLPath } from './http/graphql-endpoint.js';
import { jsonErrors } from './http/request-limits.js';
import { healthz, readyz, type AgentPoolReport } from './http/readiness.js';
import { createReachabilityProbe } from './http/ccfs-probe.js';
import { metricsEndpoint } from './http/metrics-endpoint.js';
import { notFound, serviceIndex } from './http/service-index.js';
import { trackForShutdown, type DrainResult } from './http/graceful-shutdown.js';
import { applyKeepAlive } from './http/keep-alive.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import type { DatabaseHandle } from './db/connection.js';
import { readCoverage } from './db/coverage.js';
import { createRecordingIndexReader, type RecordingIndexReader } from './data/recording-index/recording-index-reader.js';
import { QueryCounterPlugin } from './data/recording-index/query-counter.js';
import type { Ingestion } from './ingest/index.js';
import { silentLogger, type Logger } from './observability/logger.js';

export interface ServerDeps {
  config: Config;
  ccfs: CcfsApi;
  gateway: GatewayApi | undefined;
  /** The CC-Gateway service-agent session, for /readyz; undefined without a gateway. */
  agentSession?: { readonly state: string } | undefined;
  logger?: Logger;
  metrics?: Metrics;
  tokenCache?: TokenCache;
  /** With a CC-Gateway agent pool: /readyz reports it, and other replicas' relayed downloads are served. */
  agentPool?: { status(): AgentPoolReport; relayRoute: express.Router };
  /** The recording-index database, opened and migrated by the caller (who closes it); GraphQL reads `database.reader`. */
  database: DatabaseHandle;
  /** Answers GraphQL's index reads instead of `database` (the benchmark's static-data baseline). */
  recordingIndex?: RecordingIndexReader;
  /** The write side: POST /cc/callback, agent-operation index requests, the ingestion loop. */
  ingestion?: Ingestion;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:4001 (the address actually bound, not PUBLIC_BASE_URL). */
  url: string;
  graphqlUrl: string;
  httpServer: http.Server;
  links: LinkCodec;
  metrics: Metrics;
  /**
   * Stop accepting, let running requests (media streams) finish for up to `graceMs` (default
   * SHUTDOWN_GRACE_SECONDS), cut the rest, then stop Apollo. Idempotent.
   */
  close(graceMs?: number): Promise<DrainResult>;
}

export async function startServer(deps: ServerDeps, host = '127.0.0.1'): Promise<RunningServer> {
  const { config, gateway } = deps;
  const logger = deps.logger ?? silentLogger;
  // A first successful download of an agent operation index we asked for sets its readyAt, whether
  // GraphQL (operations) or a download link fetched it.
  const ccfs = deps.ingestion ? readyOnDownload(deps.ccfs, deps.ingestion, logger) : deps.ccfs;
  const metrics = deps.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  // /graphql goes straight to its node:http endpoint (set once Apollo has started); the rest to express.
  let graphqlEndpoint: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  const httpServer = http.createServer((req, res) => {
    if (graphqlEndpoint !== undefined && isGraphQLPath(req.url)) graphqlEndpoint(req, res);
    else app(req, res);
  });
  applyKeepAlive(httpServer, config.httpKeepAliveTimeoutSeconds);
  const shutdown = trackForShutdown(httpServer);
  const links = createLinkCodec({ keys: config.mediaLinkKeys, publicBaseUrl: config.publicBaseUrl, reuseWithinSecond: config.mediaLinkReuse });
  const authenticator = createCallerAuthenticator(config.jwt, { logger });
  const track = createRequestTracking({ logger, metrics });

  app.use(requestId(track));

  app.get('/', serviceIndex());
  app.get('/healthz', healthz());
  app.get(
    '/readyz',
    readyz({
      ccfsReachable: createReachabilityProbe(config.ccfs?.baseUrl ?? '', config.tls),
      agentSignedIn: deps.agentSession ? () => deps.agentSession?.state === 'signed_in' : undefined,
      shuttingDown: () => shutdown.shuttingDown,
      ...(deps.agentPool ? { agentPool: () => deps.agentPool!.status() } : {}),
    }),
  );
  app.get('/metrics', metricsEndpoint(metrics.registry));
  if (deps.agentPool) app.use(deps.agentPool.relayRoute);
  // POST /cc/callback reads its own raw body (the signature covers the exact bytes).
  if (deps.ingestion) app.use(deps.ingestion.callbackRoute);

  // One token cache for both: GraphQL hands tokens out, the media route renews those the platform forgot.
  const tokenCache = deps.tokenCache ?? createMemoryTokenCache({ reuseMarginSeconds: config.playbackTokenReuseMarginSeconds });
  const playbackGrants = createPlaybackGrants({ ccfs, cache: tokenCache, metrics, logger });
  app.use(createMediaRoute({ codec: links, ccfs, gateway, renewPlaybackToken: playbackGrants.renew, logger, metrics }));

  // Every statement GraphQL sends is counted (db_read_queries_total) and every read timed.
  const indexReader = deps.database.reader.withPlugin(new QueryCounterPlugin(() => metrics.dbReadQueries.inc()));
  const recordingIndex =
    deps.recordingIndex ??
    createRecordingIndexReader({
      db: indexReader,
      coverage: () => readCoverage(indexReader),
      observe: (query, seconds, outcome) => metrics.dbReadDuration.observe({ query, outcome }, seconds),
    });

  const graphql = createGraphQLServer({
    config,
    ccfs,
    gateway,
    links,
    logger,
    metrics,
    httpServer,
    playbackGrants,
    recordingIndex,
    requestAgentOperationIndex: deps.ingestion
      ? (request) => (deps.ingestion as Ingestion).requestAgentOperationIndex(request)
      : () => Promise.reject(new Error('requestAgentOperationIndex needs the write side (ingestion), which this server was started without')),
  });
  await graphql.apollo.start();
  graphqlEndpoint = createGraphQLEndpoint({
    apollo: graphql.apollo,
    context: async (req, request) => graphql.context(await authenticator.authenticate(req.headers.authorization), request),
    corsOrigins: config.corsOrigins,
    routerSecret: config.routerSecret,
    maxBodyBytes: config.graphql.maxBodyBytes,
    maxQueryBytes: config.graphql.maxQueryBytes,
    logger,
    track,
  });

  app.use(notFound());
  app.use(jsonErrors(logger));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  let closing: Promise<DrainResult> | undefined;
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    httpServer,
    links,
    metrics,
    close: (graceMs = config.shutdownGraceSeconds * 1000) =>
      (closing ??= (async () => {
        const result = await shutdown.drain(graceMs);
        // The HTTP server is closed by now; Apollo's drain plugin finds nothing left to wait for.
        await graphql.apollo.stop();
        return result;
      })()),
  };
}

/** The CC-FS client, reporting each agent operation index it downloads to the write side (readyAt). */
function readyOnDownload(ccfs: CcfsApi, ingestion: Ingestion, logger: Logger): CcfsApi {
  // Every method delegated by name: the client may be a class whose methods a spread would not copy.
  return {
    requestPlayVoice: (fileName) => ccfs.requestPlayVoice(fileName),
    playVoice: (token, options) => ccfs.playVoice(token, options),
    downloadRecord: (args, options) => ccfs.downloadRecord(args, options),
    queryBillData: (args) => ccfs.queryBillData(args),
    queryAgentOprInfoData: (args) => ccfs.queryAgentOprInfoData(args),
    downloadBillFile: (billFileName, options) => ccfs.downloadBillFile(billFileName, options),
    async downloadAgentOprInfoFile(fileName, options) {
      const download = await ccfs.downloadAgentOprInfoFile(fileName, options);
      // Never in the way of the download: a failure here only leaves readyAt to the callback.
      await ingestion.recordAgentOperationIndexDownloaded(fileName).catch((error: unknown) => {
        logger.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'could not record the first download of an agent operation index');
      });
      return download;
    },
  };
}
