/**
 * Benchmark 2, GraphQL throughput: autocannon sends an `_entities` query for 20 recordings asking
 * their playback (token, expiry, link) and download link (the query a router sends for a list of
 * recordings) with warm playback tokens. The baseline is a bare @apollo/server + @apollo/subgraph
 * with static resolvers for the same SDL, run in the same benchmark. Ours runs with what production
 * runs with: NODE_ENV=production, the access log at info, metrics, traceparent, the router secret
 * (sent to every server alike), the caller checks and the body and document limits. A second run of
 * ours sets MEDIA_LINK_REUSE=false (every request seals all its 40 links). Each server is its own
 * process; autocannon runs in this one. Rounds rotate which server goes first; ratios are the
 * median of the per-round ratios (each round's servers run back to back), and each server's CPU
 * time per request is read from /proc.
 */
import { expectNoErrors, postGraphQL } from './lib/graphql-client.js';
import { graphqlLoad, ROUTER_SECRET } from './lib/graphql-load.js';
import { cpuSecondsOfTree, pinToCpu, unpin } from './lib/process-cpu.js';
import { forkRpcChild } from './lib/rpc.js';
import { median } from './lib/stats.js';
import { startOurSubgraph } from './lib/subgraph.js';
import type { SimulatorChildInfo } from './servers/simulator-child.js';

export interface ThroughputFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests that were not a 2xx without GraphQL errors, or that failed on the socket. */
  failures: number;
  /** CPU milliseconds the server process spent per answered request (user + system, /proc). */
  cpuMsPerRequest: number;
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
  /** Ours with MEDIA_LINK_REUSE=false: every request mints (seals) all of its links. */
  oursFreshLinks: ThroughputFigures & { rounds: ThroughputFigures[] };
  /** ours / baseline requests per second, median of the per-round ratios (target ≥ 0.9). */
  ratio: number;
  /** ours / baseline p99 latency, median of the per-round ratios (target ≤ 1.5). */
  p99Ratio: number;
  /** ours / baseline CPU time per request, median of the per-round ratios. */
  cpuRatio: number;
  /** ours / express baseline. */
  ratioToExpress: number;
  /** ours with MEDIA_LINK_REUSE=false / baseline. */
  freshLinksRatio: number;
  freshLinksCpuRatio: number;
  pinned: boolean;
  /** requestPlayVoice calls while under load (warm tokens: expected 0). */
  upstreamCallsDuringLoad: number;
}

/** Sent to every server (ours checks it; the baselines ignore it), so that all parse the same headers. */

const QUERY = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Recording { fileName playback { token expiresAt url } download { url } }
  }
}`;

async function load(url: string, pid: number, body: string, connections: number, durationSeconds: number): Promise<ThroughputFigures> {
  const cpuBefore = cpuSecondsOfTree(pid);
  const result = await graphqlLoad({ url, body, connections, seconds: durationSeconds, headers: { 'router-authorization': ROUTER_SECRET } });
  const cpuSeconds = cpuSecondsOfTree(pid) - cpuBefore;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.mismatches,
    cpuMsPerRequest: result.requests.total > 0 ? (cpuSeconds * 1000) / result.requests.total : Number.NaN,
  };
}

/** The median over rounds of ours / baseline, each round's pair measured back to back. */
function perRoundRatio(ours: ThroughputFigures[], baseline: ThroughputFigures[], pick: (f: ThroughputFigures) => number): number {
  return median(ours.map((figures, i) => pick(figures) / pick(baseline[i]!)));
}

function summarize(rounds: ThroughputFigures[]): ThroughputFigures & { rounds: ThroughputFigures[] } {
  return {
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
    cpuMsPerRequest: median(rounds.map((r) => r.cpuMsPerRequest)),
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
  let ours: Awaited<ReturnType<typeof startOurSubgraph>> | undefined;
  let oursFresh: Awaited<ReturnType<typeof startOurSubgraph>> | undefined;
  try {
    const production = { ROUTER_SECRET, LOG_LEVEL: 'info' };
    ours = await startOurSubgraph(sim.info, { env: production, ...(options.oursExecArgv ? { execArgv: options.oursExecArgv } : {}) });
    oursFresh = await startOurSubgraph(sim.info, { env: { ...production, MEDIA_LINK_REUSE: 'false' } });
    // Two cores: the server under test gets core 1, the load generator (this process) and the idle
    // simulator core 0, so neither steals the other's time slices.
    const pinned = [ours.pid, oursFresh.pid, baseline.pid, expressBaseline.pid]
      .map((pid) => pinToCpu(pid, 1))
      .concat(pinToCpu(process.pid, 0), pinToCpu(sim.pid, 0))
      .every(Boolean);
    options.log(pinned ? '  servers pinned to CPU 1, load generator to CPU 0' : '  (no CPU pinning on this machine)');
    const representations = sim.info.recordings.slice(0, 20).map((fileName) => ({ __typename: 'Recording', fileName }));
    const body = JSON.stringify({ query: QUERY, variables: { representations } });
    // Warm tokens: the first query fetches them; check both servers answer the query cleanly.
    const targets = {
      ours: { url: ours.graphqlUrl, pid: ours.pid },
      baseline: { url: baseline.info.graphqlUrl, pid: baseline.pid },
      express: { url: expressBaseline.info.graphqlUrl, pid: expressBaseline.pid },
      oursFresh: { url: oursFresh.graphqlUrl, pid: oursFresh.pid },
    } as const;
    type Target = keyof typeof targets;
    for (const { url } of Object.values(targets)) {
      const data = expectNoErrors(
        '_entities',
        await postGraphQL<{ _entities: unknown[] }>(url, QUERY, { representations }, { 'router-authorization': ROUTER_SECRET }),
      );
      if (data._entities.length !== 20) throw new Error('_entities: expected 20 entities');
    }
    for (const { url, pid } of Object.values(targets)) await load(url, pid, body, connections, options.warmupSeconds);
    await sim.call('resetCounters');

    const rounds: Record<Target, ThroughputFigures[]> = { ours: [], baseline: [], express: [], oursFresh: [] };
    const names = Object.keys(targets) as Target[];
    for (let round = 0; round < options.rounds; round += 1) {
      // Rotate the order so no server always runs first (or right after the same other one).
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const which of order) {
        const figures = await load(targets[which].url, targets[which].pid, body, connections, options.durationSeconds);
        rounds[which].push(figures);
        options.log(
          `  graphql round ${round + 1} ${which}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, ${figures.cpuMsPerRequest.toFixed(2)} CPU ms/request, failures ${figures.failures}`,
        );
      }
    }
    const counters = await sim.call<{ calls: Record<string, number> }>('counters');
    // Warm tokens: no requestPlayVoice at all while under load (the agent's event polling goes on regardless).
    const upstreamCallsDuringLoad = counters.calls.requestPlayVoice ?? 0;
    const oursSummary = summarize(rounds.ours);
    const baselineSummary = summarize(rounds.baseline);
    const expressSummary = summarize(rounds.express);
    const freshSummary = summarize(rounds.oursFresh);
    const rps = (f: ThroughputFigures) => f.requestsPerSecond;
    const cpu = (f: ThroughputFigures) => f.cpuMsPerRequest;
    return {
      connections,
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      entitiesPerRequest: 20,
      ours: oursSummary,
      baseline: baselineSummary,
      expressBaseline: expressSummary,
      oursFreshLinks: freshSummary,
      ratio: perRoundRatio(rounds.ours, rounds.baseline, rps),
      p99Ratio: perRoundRatio(rounds.ours, rounds.baseline, (f) => f.p99Ms),
      cpuRatio: perRoundRatio(rounds.ours, rounds.baseline, cpu),
      ratioToExpress: perRoundRatio(rounds.ours, rounds.express, rps),
      freshLinksRatio: perRoundRatio(rounds.oursFresh, rounds.baseline, rps),
      freshLinksCpuRatio: perRoundRatio(rounds.oursFresh, rounds.baseline, cpu),
      pinned,
      upstreamCallsDuringLoad,
    };
  } finally {
    unpin(process.pid);
    await ours?.stop();
    await oursFresh?.stop();
    await baseline.stop();
    await expressBaseline.stop();
    await sim.stop();
  }
}
