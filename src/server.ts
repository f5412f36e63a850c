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
import { healthz, readyz } from './http/readiness.js';
import { createReachabilityProbe } from './http/ccfs-probe.js';
import { metricsEndpoint } from './http/metrics-endpoint.js';
import { trackForShutdown, type DrainResult } from './http/graceful-shutdown.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
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
  const { config, ccfs, gateway } = deps;
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  // /graphql goes straight to its node:http endpoint (set once Apollo has started); the rest to express.
  let graphqlEndpoint: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  const httpServer = http.createServer((req, res) => {
    if (graphqlEndpoint !== undefined && isGraphQLPath(req.url)) graphqlEndpoint(req, res);
    else app(req, res);
  });
  const shutdown = trackForShutdown(httpServer);
  const links = createLinkCodec({ keys: config.mediaLinkKeys, publicBaseUrl: config.publicBaseUrl, reuseWithinSecond: config.mediaLinkReuse });
  const authenticator = createCallerAuthenticator(config.jwt, { logger });
  const track = createRequestTracking({ logger, metrics });

  app.use(requestId(track));

  app.get('/healthz', healthz());
  app.get(
    '/readyz',
    readyz({
      ccfsReachable: createReachabilityProbe(config.ccfs?.baseUrl ?? '', config.tls),
      agentSignedIn: deps.agentSession ? () => deps.agentSession?.state === 'signed_in' : undefined,
      shuttingDown: () => shutdown.shuttingDown,
    }),
  );
  app.get('/metrics', metricsEndpoint(metrics.registry));

  // One token cache for both: GraphQL hands tokens out, the media route renews those the platform forgot.
  const tokenCache = deps.tokenCache ?? createMemoryTokenCache({ reuseMarginSeconds: config.playbackTokenReuseMarginSeconds });
  const playbackGrants = createPlaybackGrants({ ccfs, cache: tokenCache, metrics, logger });
  app.use(createMediaRoute({ codec: links, ccfs, gateway, renewPlaybackToken: playbackGrants.renew, logger, metrics }));

  const graphql = createGraphQLServer({
    config,
    ccfs,
    gateway,
    links,
    logger,
    metrics,
    httpServer,
    playbackGrants,
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
