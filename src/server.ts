/**
 * One HTTP server for everything: GraphQL at /graphql, the media route at /media/…, and the
 * operator endpoints. Wiring only: every rule lives in src/graphql, src/media or src/cc.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cors from 'cors';
import { expressMiddleware } from '@as-integrations/express5';
import type { Config } from './config.js';
import type { CcfsApi, GatewayApi } from './cc/types.js';
import { createLinkCodec, createMediaRoute, type LinkCodec } from './media/index.js';
import { createGraphQLServer } from './graphql/apollo-server.js';
import type { TokenCache } from './graphql/token-cache.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { silentLogger, type Logger } from './observability/logger.js';

export interface ServerDeps {
  config: Config;
  ccfs: CcfsApi;
  gateway: GatewayApi | undefined;
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
  close(): Promise<void>;
}

export async function startServer(deps: ServerDeps, host = '127.0.0.1'): Promise<RunningServer> {
  const { config, ccfs, gateway } = deps;
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? createMetrics();
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const links = createLinkCodec({ keys: config.mediaLinkKeys, publicBaseUrl: config.publicBaseUrl });

  app.use(createMediaRoute({ codec: links, ccfs, gateway, logger, metrics }));

  const graphql = createGraphQLServer({
    config,
    ccfs,
    gateway,
    links,
    logger,
    metrics,
    httpServer,
    ...(deps.tokenCache ? { tokenCache: deps.tokenCache } : {}),
  });
  await graphql.apollo.start();
  app.use(
    '/graphql',
    cors({ origin: config.corsOrigins, credentials: true }),
    express.json({ limit: '1mb' }),
    expressMiddleware(graphql.apollo, { context: graphql.context }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${host}:${port}`;

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    httpServer,
    links,
    metrics,
    // apollo.stop() drains the HTTP server (ApolloServerPluginDrainHttpServer) and closes it.
    close: () => graphql.apollo.stop(),
  };
}
