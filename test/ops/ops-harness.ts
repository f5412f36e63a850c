/**
 * The subgraph as main.ts wires it (simulator → CC clients → server, agent session started), on
 * 127.0.0.1:0, with its JSON log lines captured in memory so tests can read what an operator sees.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadConfig, type Config, type Env } from '../../src/config.js';
import { createCcClients, type CcClients, type CcDeps } from '../../src/cc/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { openMigratedDatabase } from '../support/migrated-database.js';
import type { TokenCache } from '../../src/data/playback-grants/token-cache.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { startSimulator } from '../../src/simulator/simulator.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/types.js';
import { deadUrl } from '../graphql/harness.js';

export interface GraphQLAnswer {
  status: number;
  headers: Headers;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** Log lines as written (raw text) and parsed. */
export class LogCapture extends Writable {
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.raw.join('\n');
  }
  lines(): Array<Record<string, unknown>> {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface OpsHarness {
  sim: Simulator;
  config: Config;
  clients: CcClients;
  server: RunningServer;
  metrics: Metrics;
  logs: LogCapture;
  logger: Logger;
  graphql(query: string, headers?: Record<string, string>): Promise<GraphQLAnswer>;
  close(): Promise<void>;
}

export interface OpsHarnessOptions {
  simulator?: SimulatorOptions;
  /** Overrides of the environment given to loadConfig. */
  env?: Env;
  /** Point CC-FS at a port where nothing listens. */
  unreachableCcfs?: boolean;
  /** Do not sign the service agent in (as before main.ts started the session). */
  skipSessionStart?: boolean;
  tokenCache?: TokenCache;
}

export const TEST_TUNING: CcDeps['tuning'] = {
  connectTimeoutMs: 2_000,
  firstByteTimeoutMs: 10_000,
  retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  session: { pollDelayMs: 20, pollTimeoutMs: 5_000, failureBackoff: { baseDelayMs: 20, maxDelayMs: 100 }, refusalCooldownMs: 60_000 },
};

// The same helper the GraphQL tests use.
export { deadUrl };

export function simulatorEnv(sim: Simulator, ccfsUrl = sim.ccfsBaseUrl): Env {
  return {
    PORT: '0',
    CCFS_BASE_URL: ccfsUrl,
    CCFS_AK: sim.credentials.accessKey,
    CCFS_SK: sim.credentials.secretKey,
    CC_GATEWAY_BASE_URL: sim.gatewayBaseUrl,
    CC_GATEWAY_AGENT_ID: sim.credentials.agentId,
    CC_GATEWAY_PASSWORD: sim.credentials.password,
    CC_GATEWAY_PHONE: sim.credentials.phone,
    MEDIA_LINK_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    NODE_ENV: 'test',
  };
}

export async function startOpsHarness(options: OpsHarnessOptions = {}): Promise<OpsHarness> {
  const sim = await startSimulator(options.simulator ?? {});
  const ccfsUrl = options.unreachableCcfs ? await deadUrl() : sim.ccfsBaseUrl;
  const config = loadConfig({ ...simulatorEnv(sim, ccfsUrl), ...options.env });
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', destination: logs });
  const metrics = createMetrics();
  const clients = createCcClients(config, { metrics, logger, tuning: TEST_TUNING });
  if (!options.skipSessionStart) await clients.session?.start().catch(() => undefined);
  const database = await openMigratedDatabase();
  const server = await startServer({
    database: database.handle,
    config,
    ccfs: clients.ccfs,
    gateway: clients.gateway,
    agentSession: clients.session,
    logger,
    metrics,
    ...(options.tokenCache ? { tokenCache: options.tokenCache } : {}),
  });
  return {
    sim,
    config,
    clients,
    server,
    metrics,
    logs,
    logger,
    graphql: (query, headers = {}) => postGraphQL(server.graphqlUrl, query, headers),
    async close() {
      await server.close(0);
      await clients.close();
      await sim.close();
      await database.close();
    },
  };
}

export async function postGraphQL(url: string, query: string, headers: Record<string, string> = {}): Promise<GraphQLAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  let body: Omit<GraphQLAnswer, 'status' | 'headers'> = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = {};
  }
  return { status: response.status, headers: response.headers, ...body };
}

/** The link's path on the server the test started (links are built on PUBLIC_BASE_URL). */
export function onServer(link: string, serverUrl: string): string {
  return new URL(new URL(link).pathname, serverUrl).toString();
}

/** Polls `check` until it holds (no timing assertion: only a generous upper bound). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
