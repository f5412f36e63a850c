/**
 * Benchmark 6, GraphQL on the ingested 1,000,000-row index: requests per second of
 *   search:   searchRecordings, one agent, one day, first 100 (with totalCount), and
 *   entities: `_entities` of 20 Calls with their recordings (what a router sends),
 * answered by the subgraph reading SQLite, reading PostgreSQL, and reading the same answers from
 * memory (the same server, INDEX_READER=static: bench/servers/index-graphql-server.ts). Every
 * server is a process of its own; the answers are checked to be identical before the load; autocannon
 * runs in this process; rounds rotate the order; medians.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { graphqlLoad } from './lib/graphql-load.js';
import { expectNoErrors, postGraphQL } from './lib/graphql-client.js';
import { cpuSecondsOfTree, pinToCpu, unpin } from './lib/process-cpu.js';
import { forkRpcChild } from './lib/rpc.js';
import { median } from './lib/stats.js';
import { spawnSubgraph, type SubgraphProcess } from '../test/support/subgraph-process.js';
import type { IngestedIndexes } from './index-ingest.js';
import type { IndexSample } from './servers/index-graphql-server.js';
import type { SimulatorChildInfo } from './servers/simulator-child.js';

export interface IndexThroughput {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /**
   * CPU milliseconds per answered request: of the server process, and of PostgreSQL's processes for
   * the PostgreSQL-backed server. On a busy machine these hold steadier than the rates.
   */
  serverCpuMsPerRequest: number;
  databaseCpuMsPerRequest?: number;
}

type Server = 'static' | 'sqlite' | 'postgres';
type QueryName = 'search' | 'entities';

export interface IndexGraphQLResult {
  measuredAt: string;
  rows: number;
  connections: number;
  durationSeconds: number;
  rounds: number;
  pinned: boolean;
  /** Nodes in the search answer, and recordings over the 20 calls. */
  answerSizes: Record<QueryName, number>;
  figures: Record<QueryName, Partial<Record<Server, IndexThroughput & { rounds: IndexThroughput[] }>>>;
  /** ours / static, per database (target ≥ 0.8). */
  ratios: Record<QueryName, Partial<Record<'sqlite' | 'postgres', number>>>;
  /** static CPU per request / ours (server and database processes together): the rate ratio of a CPU-bound server. */
  cpuRatios: Record<QueryName, Partial<Record<'sqlite' | 'postgres', number>>>;
}

const SEARCH = `query Search($from: DateTime!, $to: DateTime!, $agentId: ID!) {
  searchRecordings(from: $from, to: $to, agentId: $agentId, first: 100) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes { fileName beginTime endTime agentId callerNumber calleeNumber direction call { callId } }
  }
}`;

const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Call { callId recordings { fileName beginTime agentId callerNumber direction } }
  }
}`;

/** The postmaster of the cluster listening on `port` (its backends are its children). */
function postmasterPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('/postgres') && argv.includes(`-p`) && argv[argv.indexOf('-p') + 1] === String(port)) return Number(entry);
    } catch {
      // The process ended meanwhile.
    }
  }
  return undefined;
}

async function load(url: string, body: string, connections: number, durationSeconds: number, pids: { server: number; database?: number | undefined }): Promise<IndexThroughput> {
  const serverCpu = cpuSecondsOfTree(pids.server);
  const databaseCpu = pids.database === undefined ? undefined : cpuSecondsOfTree(pids.database);
  // A slow answer on a busy machine is slow, not failed: only errors and wrong answers count.
  const result = await graphqlLoad({ url, body, connections, seconds: durationSeconds, timeoutSeconds: 60 });
  const answered = Math.max(1, result.requests.total);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.mismatches,
    serverCpuMsPerRequest: ((cpuSecondsOfTree(pids.server) - serverCpu) * 1000) / answered,
    ...(databaseCpu === undefined || pids.database === undefined ? {} : { databaseCpuMsPerRequest: ((cpuSecondsOfTree(pids.database) - databaseCpu) * 1000) / answered }),
  };
}

function summarize(rounds: IndexThroughput[]): IndexThroughput & { rounds: IndexThroughput[] } {
  const database = rounds.filter((r) => r.databaseCpuMsPerRequest !== undefined).map((r) => r.databaseCpuMsPerRequest as number);
  return {
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
    serverCpuMsPerRequest: median(rounds.map((r) => r.serverCpuMsPerRequest)),
    ...(database.length > 0 ? { databaseCpuMsPerRequest: median(database) } : {}),
    rounds,
  };
}

export async function runIndexGraphQL(
  indexes: IngestedIndexes,
  options: { rounds: number; durationSeconds: number; warmupSeconds: number; connections?: number; log: (line: string) => void },
): Promise<IndexGraphQLResult> {
  const connections = options.connections ?? 16;
  const { sample: s } = indexes.dataset;
  const sample: IndexSample = { agentId: s.agentId, fromMs: Date.parse(s.dayFrom), toMs: Date.parse(s.dayTo), first: 100, callIds: s.callIds };
  const sim = await forkRpcChild<SimulatorChildInfo>(new URL('./servers/simulator-child.ts', import.meta.url));
  const entry = 'bench/servers/index-graphql-server.ts';
  const servers: Partial<Record<Server, SubgraphProcess>> = {};
  try {
    const sqliteEnv = { DATA_DIR: indexes.sqliteDir };
    servers.static = await spawnSubgraph(sim.info, { entry, inheritEnv: true, env: { ...sqliteEnv, INDEX_READER: 'static', INDEX_SAMPLE: JSON.stringify(sample) } });
    servers.sqlite = await spawnSubgraph(sim.info, { entry, inheritEnv: true, env: sqliteEnv });
    if (indexes.postgres) servers.postgres = await spawnSubgraph(sim.info, { entry, inheritEnv: true, env: { DATABASE_URL: indexes.postgres.url } });
    const running = Object.entries(servers) as Array<[Server, SubgraphProcess]>;
    const databasePid = indexes.postgres ? postmasterPid(indexes.postgres.cluster.port) : undefined;
    const pidsOf = (which: Server, server: SubgraphProcess) => ({ server: server.pid, ...(which === 'postgres' ? { database: databasePid } : {}) });

    const pinned = running.map(([, server]) => pinToCpu(server.pid, 1)).concat(pinToCpu(process.pid, 0), pinToCpu(sim.pid, 0)).every(Boolean);
    options.log(pinned ? '  servers pinned to CPU 1, load generator and simulator to CPU 0 (PostgreSQL unpinned)' : '  (no CPU pinning on this machine)');

    const variables: Record<QueryName, Record<string, unknown>> = {
      search: { from: s.dayFrom, to: s.dayTo, agentId: s.agentId },
      entities: { representations: s.callIds.map((callId) => ({ __typename: 'Call', callId })) },
    };
    const queries: Record<QueryName, string> = { search: SEARCH, entities: ENTITIES };
    const answerSizes: Record<QueryName, number> = { search: 0, entities: 0 };
    // The same answer from every server (the cursor is signed with each server's own key: compared apart).
    for (const name of ['search', 'entities'] as QueryName[]) {
      const answers = await Promise.all(running.map(async ([which, server]) => [which, expectNoErrors(name, await postGraphQL<Record<string, unknown>>(server.graphqlUrl, queries[name], variables[name]))] as const));
      const canonical = (data: Record<string, unknown>) => JSON.stringify(data, (key, value: unknown) => (key === 'endCursor' ? typeof value : value));
      const first = canonical(answers[0]![1]);
      for (const [which, data] of answers) if (canonical(data) !== first) throw new Error(`${name}: the ${which} server answers differently`);
      const data = answers[0]![1] as { searchRecordings?: { nodes: unknown[] }; _entities?: Array<{ recordings: unknown[] }> };
      answerSizes[name] = name === 'search' ? (data.searchRecordings?.nodes.length ?? 0) : (data._entities ?? []).reduce((sum, call) => sum + call.recordings.length, 0);
    }
    options.log(`  answers agree: search ${answerSizes.search} nodes, entities ${answerSizes.entities} recordings of 20 calls`);

    const bodies: Record<QueryName, string> = {
      search: JSON.stringify({ query: SEARCH, variables: variables.search }),
      entities: JSON.stringify({ query: ENTITIES, variables: variables.entities }),
    };
    for (const [which, server] of running) {
      for (const name of ['search', 'entities'] as QueryName[]) await load(server.graphqlUrl, bodies[name], connections, options.warmupSeconds, pidsOf(which, server));
    }

    const rounds: Record<QueryName, Partial<Record<Server, IndexThroughput[]>>> = { search: {}, entities: {} };
    for (let round = 0; round < options.rounds; round += 1) {
      for (const name of ['search', 'entities'] as QueryName[]) {
        const order = running.map((_, i) => running[(i + round) % running.length]!);
        for (const [which, server] of order) {
          const figures = await load(server.graphqlUrl, bodies[name], connections, options.durationSeconds, pidsOf(which, server));
          (rounds[name][which] ??= []).push(figures);
          const database = figures.databaseCpuMsPerRequest === undefined ? '' : ` + PostgreSQL ${figures.databaseCpuMsPerRequest.toFixed(2)}`;
          options.log(
            `  index graphql round ${round + 1} ${name} ${which}: ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, CPU ms/request ${figures.serverCpuMsPerRequest.toFixed(2)}${database}, failures ${figures.failures}`,
          );
        }
      }
    }

    const figures: IndexGraphQLResult['figures'] = { search: {}, entities: {} };
    const ratios: IndexGraphQLResult['ratios'] = { search: {}, entities: {} };
    const cpuRatios: IndexGraphQLResult['cpuRatios'] = { search: {}, entities: {} };
    for (const name of ['search', 'entities'] as QueryName[]) {
      for (const [which] of running) figures[name][which] = summarize(rounds[name][which] ?? []);
      const base = figures[name].static?.requestsPerSecond ?? Number.NaN;
      for (const db of ['sqlite', 'postgres'] as const) {
        const ours = figures[name][db];
        if (ours) ratios[name][db] = ours.requestsPerSecond / base;
        const staticCpu = figures[name].static?.serverCpuMsPerRequest;
        if (ours && staticCpu !== undefined) cpuRatios[name][db] = staticCpu / (ours.serverCpuMsPerRequest + (ours.databaseCpuMsPerRequest ?? 0));
      }
    }
    return {
      measuredAt: new Date().toISOString(),
      rows: indexes.dataset.rows,
      connections,
      durationSeconds: options.durationSeconds,
      rounds: options.rounds,
      pinned,
      answerSizes,
      figures,
      ratios,
      cpuRatios,
    };
  } finally {
    unpin(process.pid);
    for (const server of Object.values(servers)) await server?.stop();
    await sim.stop();
  }
}
