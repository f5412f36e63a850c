/**
 * The CC simulator in a process of its own, driven over IPC by the benchmark (knobs, counters,
 * synthetic files), so that generating the bytes never competes with the process under test for
 * its event loop.
 */
import { startSimulator } from '../../src/simulator/simulator.js';
import type { AddFileSpec, SimEndpoint, SimFault, SimKnobs } from '../../src/simulator/types.js';
import { serveRpc } from '../lib/rpc.js';

export interface SimulatorChildInfo {
  url: string;
  port: number;
  ccfsBaseUrl: string;
  gatewayBaseUrl: string;
  credentials: { accessKey: string; secretKey: string; agentId: string; password: string; phone: string };
  recordings: string[];
}

const simulator = await startSimulator({
  latencyMs: Number(process.env.SIM_LATENCY_MS ?? 0),
  ...(process.env.SIM_PORT ? { port: Number(process.env.SIM_PORT) } : {}),
});

const info: SimulatorChildInfo = {
  url: simulator.url,
  port: Number(new URL(simulator.url).port),
  ccfsBaseUrl: simulator.ccfsBaseUrl,
  gatewayBaseUrl: simulator.gatewayBaseUrl,
  credentials: simulator.credentials,
  recordings: simulator.samples.recordings,
};

process.on('SIGTERM', () => {
  void simulator.close().finally(() => process.exit(0));
});

serveRpc(info, {
  /** `bytesPerSecond: null` turns the throttle off (undefined does not survive IPC). */
  setKnobs: (knobs: Partial<Omit<SimKnobs, 'bytesPerSecond'>> & { bytesPerSecond?: number | null }) => {
    const { bytesPerSecond, ...rest } = knobs;
    Object.assign(simulator.knobs, rest);
    if (bytesPerSecond === null) delete simulator.knobs.bytesPerSecond;
    else if (bytesPerSecond !== undefined) simulator.knobs.bytesPerSecond = bytesPerSecond;
  },
  resetCounters: () => simulator.resetCounters(),
  counters: () => simulator.counters,
  addFile: (fileName: string, spec: AddFileSpec) => simulator.addFile(fileName, spec),
  inject: (endpoint: SimEndpoint, fault: SimFault, times?: number) =>
    simulator.inject(endpoint, fault, times === undefined ? {} : { times }),
  clearFaults: () => simulator.clearFaults(),
});
