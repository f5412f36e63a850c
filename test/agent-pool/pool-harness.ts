/**
 * Replicas of the subgraph with a CC-Gateway agent pool, wired as main.ts wires them (lease store,
 * pooled gateway, relay route, server), in this process on 127.0.0.1; plus reference bytes of the
 * simulator's gateway media fetched directly with an agent outside the pool. Replicas as `npm
 * start` runs them come from test/support/subgraph-process.ts with poolEnv.
 */
import { openMigratedDatabase } from '../support/migrated-database.js';
import { loadConfig, type Config, type Env } from '../../src/config.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { createPooledGateway, openLeaseStore, type PooledGatewayWiring } from '../../src/agent-pool/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { SimAgent, Simulator } from '../../src/simulator/types.js';
import { simulatorEnv } from '../support/env.js';
import { TEST_TUNING } from '../support/tuning.js';

export const POOL_AGENTS: SimAgent[] = [
  { agentId: '4977', password: 'pool-pw-1', phone: '40038' },
  { agentId: '4978', password: 'pool:pw:2', phone: '40039' },
];
/** Not in the pool: fetches reference bytes straight from the simulator. */
export const REFERENCE_AGENT: SimAgent = { agentId: '4979', password: 'reference-pw', phone: '40040' };

/**
 * The simulator's environment with a pool instead of its single agent, and the lease store: a
 * redis:// URL (REDIS_URL) or a postgres:// one (DATABASE_URL). One link key for all replicas.
 */
export function poolEnv(sim: Simulator, storeUrl: string, agents: SimAgent[] = POOL_AGENTS, leaseSeconds = 6): Env {
  const env = simulatorEnv(sim);
  delete env.CC_GATEWAY_AGENT_ID;
  delete env.CC_GATEWAY_PASSWORD;
  delete env.CC_GATEWAY_PHONE;
  return {
    ...env,
    CC_GATEWAY_AGENTS: agents.map((agent) => `${agent.agentId}:${agent.password}:${agent.phone}`).join(','),
    ...(storeUrl.startsWith('redis') ? { REDIS_URL: storeUrl } : { DATABASE_URL: storeUrl }),
    CC_GATEWAY_LEASE_SECONDS: String(leaseSeconds),
  };
}

export interface PooledReplica {
  name: string;
  config: Config;
  server: RunningServer;
  metrics: Metrics;
  pooled: PooledGatewayWiring;
  clients: CcClients;
  /** As on SIGTERM: drain, stop the server, sign out and give the lease back. */
  stop(): Promise<void>;
}

export async function startPooledReplica(name: string, env: Env): Promise<PooledReplica> {
  const config = loadConfig(env);
  const metrics = createMetrics();
  // As main.ts: the recording-index database when it is PostgreSQL (migrated), else Redis.
  const database = config.database.url === undefined ? undefined : openDatabase(config.database, { maxConnections: 2 });
  if (database) await migrateToLatest(database);
  // The server's read side needs a recording-index database either way; a temp SQLite one without PostgreSQL.
  const readSide = database === undefined ? await openMigratedDatabase() : undefined;
  const store = openLeaseStore(config, database)!;
  const pooled = createPooledGateway(config, config.gateway!, {
    store,
    logger: silentLogger,
    metrics,
    tuning: { ...TEST_TUNING, retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, relayFirstByteTimeoutMs: 15_000 },
  });
  const clients = createCcClients({ ...config, gateway: undefined }, { logger: silentLogger, metrics, tuning: TEST_TUNING });
  const server = await startServer({
    config,
    ccfs: clients.ccfs,
    gateway: pooled.gateway,
    logger: silentLogger,
    metrics,
    agentPool: { status: () => pooled.status(), relayRoute: pooled.relayRoute },
    database: database ?? readSide!.handle,
  });
  await pooled.start(server.url);
  let stopped: Promise<void> | undefined;
  return {
    name,
    config,
    server,
    metrics,
    pooled,
    clients,
    stop: () =>
      (stopped ??= (async () => {
        await pooled.drain();
        await server.close(5_000);
        await pooled.close();
        await clients.close();
        await database?.close();
        await readSide?.close();
      })()),
  };
}

/** The bytes of a gateway download straight from the simulator, signed in as an agent outside the pool. */
export async function referenceGatewayBytes(sim: Simulator, path: string, query: Record<string, string>): Promise<Buffer> {
  const base = `${sim.gatewayBaseUrl}/agentgateway/resource`;
  const headers = { 'content-type': 'application/json; charset=UTF-8' };
  const signIn = await fetch(`${base}/onlineagent/${REFERENCE_AGENT.agentId}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ password: REFERENCE_AGENT.password, phonenum: REFERENCE_AGENT.phone }),
  });
  const guid = signIn.headers.get('set-guid')?.replace(/^JSESSIONID=/, '');
  if (!guid) throw new Error(`reference sign-in failed: ${await signIn.text()}`);
  try {
    const answer = await fetch(`${base}/recordfile/${REFERENCE_AGENT.agentId}/${path}?${new URLSearchParams(query)}`, { headers: { ...headers, guid } });
    if (answer.headers.get('content-type')?.includes('json')) throw new Error(`reference download failed: ${await answer.text()}`);
    return Buffer.from(await answer.arrayBuffer());
  } finally {
    await fetch(`${base}/onlineagent/${REFERENCE_AGENT.agentId}/logout`, { method: 'DELETE', headers: { ...headers, guid } });
  }
}

export async function metricValue(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([key, wanted]) => String(v.labels[key]) === wanted));
  return value?.value ?? 0;
}

/** poolEnv for spawnSubgraph (with `withGateway: false`): it picks PORT, PUBLIC_BASE_URL and NODE_ENV itself. */
export function processEnv(env: Env): NodeJS.ProcessEnv {
  const { PORT: _port, PUBLIC_BASE_URL: _public, NODE_ENV: _nodeEnv, ...rest } = env;
  return Object.fromEntries(Object.entries(rest).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
