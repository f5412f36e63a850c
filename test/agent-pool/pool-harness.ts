/**
 * Replicas of the subgraph with a CC-Gateway agent pool, wired as main.ts wires them (lease store,
 * pooled gateway, relay route, server), in this process on 127.0.0.1; plus reference bytes of the
 * simulator's gateway media fetched directly with an agent outside the pool.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config, type Env } from '../../src/config.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { createPooledGateway, createRedisLeaseStore, type PooledGatewayWiring } from '../../src/agent-pool/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { SimAgent, Simulator } from '../../src/simulator/types.js';
import { simulatorEnv, TEST_TUNING } from '../ops/ops-harness.js';

export const POOL_AGENTS: SimAgent[] = [
  { agentId: '4977', password: 'pool-pw-1', phone: '40038' },
  { agentId: '4978', password: 'pool:pw:2', phone: '40039' },
];
/** Not in the pool: fetches reference bytes straight from the simulator. */
export const REFERENCE_AGENT: SimAgent = { agentId: '4979', password: 'reference-pw', phone: '40040' };

export function poolEnv(sim: Simulator, redisUrl: string, agents: SimAgent[] = POOL_AGENTS, leaseSeconds = 6): Env {
  const env = simulatorEnv(sim);
  delete env.CC_GATEWAY_AGENT_ID;
  delete env.CC_GATEWAY_PASSWORD;
  delete env.CC_GATEWAY_PHONE;
  return {
    ...env,
    CC_GATEWAY_AGENTS: agents.map((agent) => `${agent.agentId}:${agent.password}:${agent.phone}`).join(','),
    REDIS_URL: redisUrl,
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
  const store = createRedisLeaseStore({ url: config.redisUrl!, namespace: config.gateway!.baseUrl });
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

export interface MainProcess {
  child: ChildProcess;
  url: string;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `src/main.ts` as `npm start` runs it, configured by `env`, on `port`; resolves once it listens. */
export async function startMainProcess(env: Env, port: number): Promise<MainProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production', // JSON lines only (no banner)
      LOG_LEVEL: 'info',
      ...env,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      INTERNAL_BASE_URL: `http://127.0.0.1:${port}`,
    } as NodeJS.ProcessEnv,
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ text: line });
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!lines.some((line) => line.msg === 'listening')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`main.ts did not start: ${stderr.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, url: `http://127.0.0.1:${port}`, lines, exited };
}
