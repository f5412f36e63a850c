/**
 * The system under test for the reliability suite: the simulator, the real CC clients and the real
 * server (src/server.ts) in this process, on 127.0.0.1, talking HTTP. Unlike the unit harnesses it
 * keeps the production retry policy and agent-session behaviour; only the waits that would make a
 * fault take half a minute (first-byte timeout, session backoff, the simulator's 10 s long poll)
 * are shortened. The simulator can be stopped and started again on the same port (the CC-FS
 * going away and coming back).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { DEFAULT_RETRY_POLICY } from '../../src/cc/retry.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { openMigratedDatabase } from '../support/migrated-database.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startSimulator } from '../../src/simulator/simulator.js';
import type { SimEndpoint, Simulator, SimulatorOptions } from '../../src/simulator/types.js';

/** Endpoints a GraphQL request or a media download may cause (the agent session polls on its own). */
export const REQUEST_ENDPOINTS: readonly SimEndpoint[] = [
  'requestPlayVoice',
  'playVoice',
  'downloadRecord',
  'downloadAgentOprInfoFile',
  'recordfiledownloadEx',
  'videofiledownload',
];

export { DOWNLOAD_ENDPOINTS } from '../../src/simulator/types.js';

/** The one change to production timing that matters for the suite's length. */
export const FIRST_BYTE_TIMEOUT_MS = 2_500;

const SIMULATOR_OPTIONS: SimulatorOptions = { pollWaitMs: 1_000 };

export interface Stack {
  /** The simulator currently running (a new object after restartSimulator). */
  sim: Simulator;
  config: Config;
  clients: CcClients;
  server: RunningServer;
  /** Sum of the simulator's calls on REQUEST_ENDPOINTS (counters survive only one simulator). */
  requestCalls(endpoints?: readonly SimEndpoint[]): number;
  /** The CC-FS and CC-Gateway go away: the simulator closes its port. */
  stopSimulator(): Promise<void>;
  /** … and come back on the same port, with fresh state (sessions, tokens). */
  startSimulatorAgain(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startStack(): Promise<Stack> {
  let sim = await startSimulator(SIMULATOR_OPTIONS);
  const simPort = Number(new URL(sim.url).port);
  let simRunning = true;
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    CCFS_BASE_URL: sim.ccfsBaseUrl,
    CCFS_AK: sim.credentials.accessKey,
    CCFS_SK: sim.credentials.secretKey,
    CC_GATEWAY_BASE_URL: sim.gatewayBaseUrl,
    CC_GATEWAY_AGENT_ID: sim.credentials.agentId,
    CC_GATEWAY_PASSWORD: sim.credentials.password,
    CC_GATEWAY_PHONE: sim.credentials.phone,
    MEDIA_LINK_KEYS: `rel:${randomBytes(32).toString('base64')}`,
    NODE_ENV: 'test',
  });
  const metrics = createMetrics();
  const clients = createCcClients(config, {
    metrics,
    logger: silentLogger,
    tuning: {
      connectTimeoutMs: 2_000,
      firstByteTimeoutMs: FIRST_BYTE_TIMEOUT_MS,
      retry: DEFAULT_RETRY_POLICY,
      session: { failureBackoff: { baseDelayMs: 100, maxDelayMs: 1_000 } },
    },
  });
  const database = await openMigratedDatabase();
  const server = await startServer({
    database: database.handle,
    config,
    ccfs: clients.ccfs,
    gateway: clients.gateway,
    agentSession: clients.session,
    logger: silentLogger,
    metrics,
  });
  await clients.session?.start();

  const stack: Stack = {
    sim,
    config,
    clients,
    server,
    requestCalls(endpoints = REQUEST_ENDPOINTS) {
      return endpoints.reduce((sum, endpoint) => sum + stack.sim.counters.calls[endpoint], 0);
    },
    async stopSimulator() {
      if (!simRunning) return;
      simRunning = false;
      await stack.sim.close();
    },
    async startSimulatorAgain() {
      sim = await startSimulator({ ...SIMULATOR_OPTIONS, port: simPort });
      stack.sim = sim;
      simRunning = true;
    },
    async close() {
      await server.close(0);
      await clients.close();
      await stack.stopSimulator();
      await database.close();
    },
  };
  return stack;
}
