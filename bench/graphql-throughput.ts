/**
 * Benchmark 2, GraphQL throughput: autocannon sends an `_entities` query for 20 recordings (the
 * query a router sends for a list of recordings) with warm playback tokens. The baseline is a bare
 * @apollo/server + @apollo/subgraph with static resolvers for the same SDL, run in the same
 * benchmark. Each server is its own process; autocannon runs in this one. Rounds alternate
 * which server goes first, and report medians.
 */
import autocannon from 'autocannon';
import { expectNoErrors, postGraphQL } from './lib/graphql-client.js';
import { pinToCpu, unpin } from './lib/process-cpu.js';
import { forkRpcChild } from './lib/rpc.js';
import { median } from './lib/stats.js';
import { spawnSubgraph, type SubgraphProcess } from '../test/support/subgraph-process.js';
import type { SimulatorChildInfo } from './servers/simulator-child.js';

export interface ThroughputFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests that were not a 2xx without GraphQL errors, or that failed on the socket. */
  failures: number;
}

export interface GraphQLThroughputResult {
  connections: number;
  durationSeconds: number;
  rounds: number;
  entitiesPerRequest: number;
  ours: ThroughputFigures & { rounds: ThroughputFigures[] };
  /** Bare @apollo/server (standalone) with static resolvers: the target's baseline. */
  baseline: ThroughputFigures & { rounds: ThroughputFigures[] };
  /** The same static resolvers on express 5 + expressMiddleware: what the framework alone costs. */
  expressBaseline: ThroughputFigures & { rounds: ThroughputFigures[] };
  /** ours / baseline requests per second (target ≥ 0.85). */
  ratio: number;
  /** ours / express baseline. */
  ratioToExpress: number;
  pinned: boolean;
  /** requestPlayVoice calls while under load (warm tokens: expected 0). */
  upstreamCallsDuringLoad: number;
}

const QUERY = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Recording { fileName playback { token expiresAt url } download { url } }
  }
}`;

async function load(url: string, body: string, connections: number, durationSeconds: number): Promise<ThroughputFigures> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: durationSeconds,
    // A cheap correctness check that costs the same for both servers.
    verifyBody: (responseBody) => typeof responseBody === 'string' && !responseBody.includes('"errors"'),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.mismatches,
  };
}

function summarize(rounds: ThroughputFigures[]): ThroughputFigures & { rounds: ThroughputFigures[] } {
  return {
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
    rounds,
  };
}

export async function runGraphQLThroughput(options: {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections?: number;
  log: (line: string) => void;
  oursExecArgv?: string[];
}): Promise<GraphQLThroughputResult> {
  const connections = options.connections ?? 32;
  const sim = await forkRpcChild<SimulatorChildInfo>(new URL('./servers/simulator-child.ts', import.meta.url));
  const baselineModule = new URL('./servers/baseline-subgraph-child.ts', import.meta.url);
  const baseline = await forkRpcChild<{ graphqlUrl: string }>(baselineModule, { env: { NODE_ENV: 'production', BASELINE_STACK: 'bare' } });
  const expressBaseline = await forkRpcChild<{ graphqlUrl: string }>(baselineModule, {
    env: { NODE_ENV: 'production', BASELINE_STACK: 'express' },
  });
  let ours: SubgraphProcess | undefined;
  try {
    ours = await spawnSubgraph(sim.info, { inheritEnv: true, ...(options.oursExecArgv ? { execArgv: options.oursExecArgv } : {}) });
    // Two cores: the server under test gets core 1, the load generator (this process) and the idle
    // simulator core 0, so neither steals the other's time slices.
    const pinned = [ours.pid, baseline.pid, expressBaseline.pid].map((pid) => pinToCpu(pid, 1)).concat(pinToCpu(process.pid, 0), pinToCpu(sim.pid, 0)).every(Boolean);
    options.log(pinned ? '  servers pinned to CPU 1, load generator to CPU 0' : '  (no CPU pinning on this machine)');
    const representations = sim.info.recordings.slice(0, 20).map((fileName) => ({ __typename: 'Recording', fileName }));
    const body = JSON.stringify({ query: QUERY, variables: { representations } });
    // Warm tokens: the first query fetches them; check both servers answer the query cleanly.
    const targets = { ours: ours.graphqlUrl, baseline: baseline.info.graphqlUrl, express: expressBaseline.info.graphqlUrl } as const;
    type Target = keyof typeof targets;
    for (const url of Object.values(targets)) {
      const data = expectNoErrors('_entities', await postGraphQL<{ _entities: unknown[] }>(url, QUERY, { representations }));
      if (data._entities.length !== 20) throw new Error('_entities: expected 20 entities');
    }
    for (const url of Object.values(targets)) await load(url, body, connections, options.warmupSeconds);
    await sim.call('resetCounters');

    const rounds: Record<Target, ThroughputFigures[]> = { ours: [], baseline: [], express: [] };
    const names = Object.keys(targets) as Target[];
    for (let round = 0; round < options.rounds; round += 1) {
      // Rotate the order so no server always runs first (or right after the same other one).
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const which of order) {
        const figures = await load(targets[which], body, connections, options.durationSeconds);
        rounds[which].push(figures);
        options.log(
          `  graphql round ${round + 1} ${which}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, failures ${figures.failures}`,
        );
      }
    }
    const counters = await sim.call<{ calls: Record<string, number> }>('counters');
    // Warm tokens: no requestPlayVoice at all while under load (the agent's event polling goes on regardless).
    const upstreamCallsDuringLoad = counters.calls.requestPlayVoice ?? 0;
    const oursSummary = summarize(rounds.ours);
    const baselineSummary = summarize(rounds.baseline);
    const expressSummary = summarize(rounds.express);
    return {
      connections,
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      entitiesPerRequest: 20,
      ours: oursSummary,
      baseline: baselineSummary,
      expressBaseline: expressSummary,
      ratio: oursSummary.requestsPerSecond / baselineSummary.requestsPerSecond,
      ratioToExpress: oursSummary.requestsPerSecond / expressSummary.requestsPerSecond,
      pinned,
      upstreamCallsDuringLoad,
    };
  } finally {
    unpin(process.pid);
    await ours?.stop();
    await baseline.stop();
    await expressBaseline.stop();
    await sim.stop();
  }
}
