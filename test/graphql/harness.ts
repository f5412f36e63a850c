/**
 * The subgraph as it runs in production, for GraphQL tests: the real simulator, the real CC clients
 * and the real server (src/server.ts: GraphQL + media route) on 127.0.0.1:0, queried over HTTP.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config, type Env } from '../../src/config.js';
import { createCcClients, type CcClients, type CcDeps } from '../../src/cc/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { TokenCache } from '../../src/data/playback-grants/token-cache.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSimulator } from '../../src/simulator/simulator.js';
import type { DatabaseConfig } from '../../src/config.js';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database.js';
import type { SimEndpoint, Simulator, SimulatorOptions } from '../../src/simulator/types.js';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

export interface Harness {
  sim: Simulator;
  config: Config;
  clients: CcClients;
  server: RunningServer;
  metrics: Metrics;
  database: MigratedDatabase;
  /** POST a query to /graphql. */
  query<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<TData>>;
  /** Calls the simulator received on the endpoints the GraphQL layer may use (not the agent session's own). */
  mediaCalls(): number;
  close(): Promise<void>;
}

export interface HarnessOptions {
  simulator?: SimulatorOptions;
  /** false: no CC-Gateway configured (CC_GATEWAY_BASE_URL unset). Default true. */
  withGateway?: boolean;
  /** Point CC-FS at a port where nothing listens. */
  unreachableCcfs?: boolean;
  env?: Env;
  tokenCache?: TokenCache;
  tuning?: CcDeps['tuning'];
  /** The recording-index database; default a fresh SQLite file in a temp directory. */
  database?: DatabaseConfig;
}

/** Endpoints that a GraphQL request may cause (the agent session polls on its own). */
export const GRAPHQL_UPSTREAM_ENDPOINTS: readonly SimEndpoint[] = [
  'requestPlayVoice',
  'playVoice',
  'downloadRecord',
  'downloadAgentOprInfoFile',
  'recordfiledownloadEx',
  'videofiledownload',
];

/** A URL on 127.0.0.1 where nothing listens (a port just released). */
export async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Short waits and no retries, so that a fault injected once is seen once and tests stay fast. */
export const TEST_TUNING: CcDeps['tuning'] = {
  connectTimeoutMs: 2_000,
  firstByteTimeoutMs: 10_000,
  retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  session: { pollDelayMs: 20, pollTimeoutMs: 5_000, failureBackoff: { baseDelayMs: 20, maxDelayMs: 100 } },
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sim = await startSimulator(options.simulator ?? {});
  const withGateway = options.withGateway ?? true;
  const ccfsUrl = options.unreachableCcfs ? await deadUrl() : sim.ccfsBaseUrl;
  const config = loadConfig({
    PORT: '0',
    CCFS_BASE_URL: ccfsUrl,
    CCFS_AK: sim.credentials.accessKey,
    CCFS_SK: sim.credentials.secretKey,
    ...(withGateway
      ? {
          CC_GATEWAY_BASE_URL: sim.gatewayBaseUrl,
          CC_GATEWAY_AGENT_ID: sim.credentials.agentId,
          CC_GATEWAY_PASSWORD: sim.credentials.password,
          CC_GATEWAY_PHONE: sim.credentials.phone,
        }
      : {}),
    MEDIA_LINK_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    NODE_ENV: 'test',
    ...options.env,
  });
  const metrics = createMetrics();
  const clients = createCcClients(config, { metrics, logger: silentLogger, tuning: options.tuning ?? TEST_TUNING });
  const database = await openMigratedDatabase(options.database);
  const server = await startServer({
    database: database.handle,
    config,
    ccfs: clients.ccfs,
    gateway: clients.gateway,
    logger: silentLogger,
    metrics,
    ...(options.tokenCache ? { tokenCache: options.tokenCache } : {}),
  });

  return {
    sim,
    config,
    clients,
    server,
    metrics,
    database,
    async query<TData>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status'>;
      return { status: response.status, ...body };
    },
    mediaCalls() {
      return GRAPHQL_UPSTREAM_ENDPOINTS.reduce((sum, endpoint) => sum + sim.counters.calls[endpoint], 0);
    },
    async close() {
      await server.close();
      await clients.close();
      await sim.close();
      await database.close();
    },
  };
}

/** The link's path on the server the test started (links are built on PUBLIC_BASE_URL). */
export function onServer(link: string, server: RunningServer): string {
  const url = new URL(link);
  return new URL(url.pathname + url.search, server.url).toString();
}
