/**
 * Benchmark 1, batching: `recordings(fileNames:)` with N distinct files at simulator latency L and
 * the default concurrency cap c. Cold: every file needs one requestPlayVoice, so the best possible
 * wall time is ceil(N/c) × L (c calls in flight, back to back); serial would be N × L. Warm: the
 * same query again, answered from the token cache with no upstream call.
 */
import { loadConfig } from '../src/config.js';
import type { SimCounters } from '../src/simulator/types.js';
import { expectNoErrors, postGraphQL } from './lib/graphql-client.js';
import { forkRpcChild } from './lib/rpc.js';
import { median } from './lib/stats.js';
import type { SubgraphProcess } from '../test/support/subgraph-process.js';
import { startOurSubgraph } from './lib/subgraph.js';
import type { SimulatorChildInfo } from './servers/simulator-child.js';

export interface BatchingResult {
  n: number;
  latencyMs: number;
  concurrencyCap: number;
  rounds: number;
  idealMs: number;
  serialMs: number;
  cold: { wallMsMedian: number; wallMsRounds: number[]; upstreamCalls: number[]; peakInFlight: number[] };
  warm: { wallMsMedian: number; wallMsRounds: number[]; upstreamCalls: number[] };
  /** cold median / ideal (target ≤ 1.3). */
  coldOverIdeal: number;
  /** cold median / serial. */
  coldOverSerial: number;
}

const QUERY = `query Batch($names: [String!]!) {
  recordings(fileNames: $names) { fileName playback { token expiresAt url } }
}`;

interface BatchData {
  recordings: { fileName: string; playback: { token: string } | null }[];
}

async function timedQuery(graphqlUrl: string, names: string[]): Promise<number> {
  const started = performance.now();
  const response = await postGraphQL<BatchData>(graphqlUrl, QUERY, { names });
  const wall = performance.now() - started;
  const data = expectNoErrors('recordings batch', response);
  if (data.recordings.length !== names.length || data.recordings.some((r) => !r.playback?.token)) {
    throw new Error('recordings batch: a recording came back without a playback token');
  }
  return wall;
}

/** Synthetic recordings with realistic names, distinct per round so that every cold round is cold. */
function namesForRound(round: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `Y:/1/0/20261120/9${String(round).padStart(2, '0')}/${2000000 + i}.V3`);
}

export async function runBatching(options: {
  rounds: number;
  n?: number;
  latencyMs?: number;
  log: (line: string) => void;
  oursExecArgv?: string[];
}): Promise<BatchingResult> {
  const n = options.n ?? 200;
  const latencyMs = options.latencyMs ?? 50;
  const concurrencyCap = loadConfig({}).ccMaxConcurrency;
  const sim = await forkRpcChild<SimulatorChildInfo>(new URL('./servers/simulator-child.ts', import.meta.url), {
    env: { SIM_LATENCY_MS: String(latencyMs) },
  });
  let ours: SubgraphProcess | undefined;
  try {
    ours = await startOurSubgraph(sim.info, { ...(options.oursExecArgv ? { execArgv: options.oursExecArgv } : {}) });
    const totalRounds = options.rounds + 1; // round 0 is the warm-up
    for (let round = 0; round < totalRounds; round += 1) {
      for (const name of namesForRound(round, n)) await sim.call('addFile', name, { size: 4096, kind: 'wav' });
    }
    const result: BatchingResult = {
      n,
      latencyMs,
      concurrencyCap,
      rounds: options.rounds,
      idealMs: Math.ceil(n / concurrencyCap) * latencyMs,
      serialMs: n * latencyMs,
      cold: { wallMsMedian: 0, wallMsRounds: [], upstreamCalls: [], peakInFlight: [] },
      warm: { wallMsMedian: 0, wallMsRounds: [], upstreamCalls: [] },
      coldOverIdeal: 0,
      coldOverSerial: 0,
    };
    for (let round = 0; round < totalRounds; round += 1) {
      const names = namesForRound(round, n);
      await sim.call('resetCounters');
      const coldMs = await timedQuery(ours.graphqlUrl, names);
      const afterCold = await sim.call<SimCounters>('counters');
      await sim.call('resetCounters');
      const warmMs = await timedQuery(ours.graphqlUrl, names);
      const afterWarm = await sim.call<SimCounters>('counters');
      if (round === 0) continue;
      result.cold.wallMsRounds.push(coldMs);
      result.cold.upstreamCalls.push(afterCold.calls.requestPlayVoice);
      result.cold.peakInFlight.push(afterCold.peakInFlight.requestPlayVoice);
      result.warm.wallMsRounds.push(warmMs);
      result.warm.upstreamCalls.push(afterWarm.calls.requestPlayVoice);
      options.log(
        `  batching round ${round}: cold ${coldMs.toFixed(0)} ms (${afterCold.calls.requestPlayVoice} calls, peak ${afterCold.peakInFlight.requestPlayVoice} in flight), warm ${warmMs.toFixed(1)} ms (${afterWarm.calls.requestPlayVoice} calls)`,
      );
    }
    result.cold.wallMsMedian = median(result.cold.wallMsRounds);
    result.warm.wallMsMedian = median(result.warm.wallMsRounds);
    result.coldOverIdeal = result.cold.wallMsMedian / result.idealMs;
    result.coldOverSerial = result.cold.wallMsMedian / result.serialMs;
    return result;
  } finally {
    await ours?.stop();
    await sim.stop();
  }
}
