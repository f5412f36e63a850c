/**
 * The system under test for the reliability suite: the simulator, the real CC clients and the real
 * server (src/server.ts) in this process, on 127.0.0.1, talking HTTP. Unlike the other suites' stacks it
 * keeps the production retry policy and agent-session behaviour; only the waits that would make a
 * fault take half a minute (first-byte timeout, session backoff, the simulator's 10 s long poll)
 * are shortened. The simulator can be stopped and started again on the same port (the CC-FS
 * going away and coming back).
 */
import type { Config } from '../../src/config.js';
import type { CcClients } from '../../src/cc/index.js';
import { DEFAULT_RETRY_POLICY } from '../../src/cc/retry.js';
import type { RunningServer } from '../../src/server.js';
import { freePort } from '../support/ports.js';
import { callsTo, REQUEST_ENDPOINTS, startSimulator, type SimEndpoint, type Simulator, type SimulatorOptions } from '../support/simulator.js';
import { startSubgraph } from '../support/subgraph.js';

export { DOWNLOAD_ENDPOINTS, REQUEST_ENDPOINTS } from '../support/simulator.js';

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

export async function startStack(): Promise<Stack> {
  let sim = await startSimulator(SIMULATOR_OPTIONS);
  const simPort = Number(new URL(sim.url).port);
  let simRunning = true;
  const port = await freePort();
  const subgraph = await startSubgraph({
    sim,
    env: { PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
    tuning: {
      connectTimeoutMs: 2_000,
      firstByteTimeoutMs: FIRST_BYTE_TIMEOUT_MS,
      retry: DEFAULT_RETRY_POLICY,
      session: { failureBackoff: { baseDelayMs: 100, maxDelayMs: 1_000 } },
    },
    session: 'started',
  });

  const stack: Stack = {
    sim,
    config: subgraph.config,
    clients: subgraph.clients,
    server: subgraph.server,
    requestCalls: (endpoints = REQUEST_ENDPOINTS) => callsTo(stack.sim, endpoints),
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
      await subgraph.close(0);
      await stack.stopSimulator();
    },
  };
  return stack;
}
