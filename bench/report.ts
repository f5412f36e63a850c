/** Turns the benchmark results into the markdown table for the terminal and the README. */
import type { MachineInfo } from './lib/machine.js';
import { MIB } from './lib/stats.js';
import type { BatchingResult } from './batching.js';
import type { GraphQLThroughputResult } from './graphql-throughput.js';
import type { MixedLoadResult } from './mixed-load.js';
import type { StreamingResult } from './streaming.js';
import type { IndexGraphQLResult } from './index-graphql.js';
import type { IndexIngestResult } from './index-ingest.js';
import { indexGraphQLRows, indexIngestRows, indexMissedTargetNotes, indexNotes } from './index-report.js';

export interface BenchResults {
  startedAt: string;
  mode: 'full' | 'quick';
  durationSeconds: number;
  machine: MachineInfo;
  /** What ran as ours: dist/main.js (npm start), src/main.ts under tsx, or another tree. */
  ours?: string;
  /** MALLOC_TOP_PAD_ of every Node process in the run (the Docker image sets 33554432). */
  mallocTopPad?: string;
  /** The figures before a piece of work, measured by the same benchmark on the same machine; kept by every later run. */
  before?: { what: string; startedAt: string; ours: string; graphql?: unknown; streaming?: unknown; mixed?: unknown };
  batching?: BatchingResult;
  graphql?: GraphQLThroughputResult;
  streaming?: StreamingResult;
  /** 4. recording-index ingestion (may come from an earlier run than the others: see its measuredAt). */
  indexIngest?: IndexIngestResult;
  /** 5. GraphQL on the ingested index. */
  indexGraphQL?: IndexGraphQLResult;
  mixed?: MixedLoadResult;
  /** Sections a partial run (--only) kept from earlier runs: when and where each was measured. */
  kept?: Partial<Record<BenchSection, RunOrigin>>;
}

export type BenchSection = 'batching' | 'graphql' | 'streaming' | 'mixed' | 'indexIngest' | 'indexGraphQL';
export const BENCH_SECTIONS: readonly BenchSection[] = ['batching', 'graphql', 'streaming', 'mixed', 'indexIngest', 'indexGraphQL'];

export interface RunOrigin {
  startedAt: string;
  mode: 'full' | 'quick';
  machine: MachineInfo;
}

/** One line of the results table. */
export interface Row {
  benchmark: string;
  measure: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

const fmt = (value: number | undefined, digits = 0): string =>
  value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
const x = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(2)}×`);
const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');

function batchingRows(b: BatchingResult): Row[] {
  const calls = b.cold.upstreamCalls;
  const warmCalls = b.warm.upstreamCalls;
  const name = `1. batching (N=${b.n}, L=${b.latencyMs} ms, c=${b.concurrencyCap})`;
  return [
    {
      benchmark: name,
      measure: 'cold: upstream calls',
      ours: calls.join(' / '),
      baseline: `N = ${b.n}`,
      ratio: '',
      target: `= ${b.n}`,
      met: verdict(calls.every((c) => c === b.n)),
    },
    {
      benchmark: name,
      measure: 'cold: wall ms vs ideal ⌈N/c⌉×L',
      ours: fmt(b.cold.wallMsMedian),
      baseline: fmt(b.idealMs),
      ratio: x(b.coldOverIdeal),
      target: '≤ 1.30×',
      met: verdict(b.coldOverIdeal <= 1.3),
    },
    {
      benchmark: name,
      measure: 'cold: wall ms vs serial N×L',
      ours: fmt(b.cold.wallMsMedian),
      baseline: fmt(b.serialMs),
      ratio: x(b.coldOverSerial),
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'cold: peak requestPlayVoice in flight',
      ours: b.cold.peakInFlight.join(' / '),
      baseline: `c = ${b.concurrencyCap}`,
      ratio: '',
      target: `≤ ${b.concurrencyCap}`,
      met: verdict(b.cold.peakInFlight.every((p) => p <= b.concurrencyCap)),
    },
    {
      benchmark: name,
      measure: 'warm: upstream calls, wall ms',
      ours: `${warmCalls.join(' / ')} calls, ${fmt(b.warm.wallMsMedian, 1)} ms`,
      baseline: '',
      ratio: '',
      target: '0 calls',
      met: verdict(warmCalls.every((c) => c === 0)),
    },
  ];
}

function graphqlRows(g: GraphQLThroughputResult): Row[] {
  const name = `2. GraphQL _entities ×${g.entitiesPerRequest} (${g.connections} connections, ${g.rounds}×${g.durationSeconds} s)`;
  return [
    {
      benchmark: name,
      measure: 'requests/s (vs bare @apollo/server + subgraph)',
      ours: fmt(g.ours.requestsPerSecond),
      baseline: fmt(g.baseline.requestsPerSecond),
      ratio: x(g.ratio),
      target: '≥ 0.90×',
      met: verdict(g.ratio >= 0.9),
    },
    {
      benchmark: name,
      measure: 'latency p99 ms',
      ours: fmt(g.ours.p99Ms, 1),
      baseline: fmt(g.baseline.p99Ms, 1),
      ratio: x(g.p99Ratio),
      target: '≤ 1.50×',
      met: verdict(g.p99Ratio <= 1.5),
    },
    {
      benchmark: name,
      measure: 'latency p50 ms',
      ours: fmt(g.ours.p50Ms, 1),
      baseline: fmt(g.baseline.p50Ms, 1),
      ratio: x(g.ours.p50Ms / g.baseline.p50Ms),
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'server CPU ms per request',
      ours: fmt(g.ours.cpuMsPerRequest, 2),
      baseline: fmt(g.baseline.cpuMsPerRequest, 2),
      ratio: x(g.cpuRatio),
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'requests/s with MEDIA_LINK_REUSE=false (40 seals per request); CPU ms per request',
      ours: `${fmt(g.oursFreshLinks?.requestsPerSecond)}; ${fmt(g.oursFreshLinks?.cpuMsPerRequest, 2)}`,
      baseline: `${fmt(g.baseline.requestsPerSecond)}; ${fmt(g.baseline.cpuMsPerRequest, 2)}`,
      ratio: `${x(g.freshLinksRatio)}; ${x(g.freshLinksCpuRatio)}`,
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'requests/s vs the same static resolvers on express 5 (framework cost split out)',
      ours: fmt(g.ours.requestsPerSecond),
      baseline: fmt(g.expressBaseline.requestsPerSecond),
      ratio: x(g.ratioToExpress),
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'failed requests; requestPlayVoice calls under load',
      ours: `${g.ours.failures}; ${g.upstreamCallsDuringLoad}`,
      baseline: `${g.baseline.failures}`,
      ratio: '',
      target: '0; 0',
      met: verdict(g.ours.failures === 0 && g.upstreamCallsDuringLoad === 0),
    },
  ];
}

function streamingRows(s: StreamingResult): Row[] {
  const size = `${(s.payloadBytes / 2 ** 30).toFixed(s.payloadBytes >= 2 ** 30 ? 0 : 2)} GiB`;
  const name = `3. streaming ${size}`;
  const nameConcurrent = `3. streaming ×${s.concurrent.downloads} × ${(s.concurrent.payloadBytesEach / MIB).toFixed(0)} MiB`;
  const nameThrottled = `3. streaming ${(s.throttled.payloadBytes / MIB).toFixed(0)} MiB to a client on a 1 Gbit/s link`;
  const single = s.single;
  const agg = s.concurrent.aggregateMiBps;
  const thr = s.throttled.mibPerSecond;
  const mb = (bytes: number): string => `${(bytes / MIB).toFixed(0)}`;
  const atLeast = (value: number | undefined, target: number): boolean | undefined => (value === undefined ? undefined : value >= target);
  return [
    { benchmark: name, measure: 'MiB/s, ours vs nginx', ours: fmt(single.ours?.mibPerSecond), baseline: fmt(single.nginx?.mibPerSecond), ratio: x(s.ratios.oursOverNginx), target: '≥ 0.90×', met: verdict(atLeast(s.ratios.oursOverNginx, 0.9)) },
    { benchmark: name, measure: 'MiB/s, ours vs direct', ours: fmt(single.ours?.mibPerSecond), baseline: fmt(single.direct?.mibPerSecond), ratio: x(s.ratios.oursOverDirect), target: '≥ 0.80×', met: verdict(atLeast(s.ratios.oursOverDirect, 0.8)) },
    { benchmark: name, measure: 'MiB/s, ours vs minimal Node proxy (http.get → pipe)', ours: fmt(single.ours?.mibPerSecond), baseline: fmt(single['node-pipe']?.mibPerSecond), ratio: x(s.ratios.oursOverNodePipe), target: '', met: '' },
    {
      benchmark: name,
      measure: 'proxy CPU s per GiB: ours vs nginx (node-pipe; simulator for direct)',
      ours: fmt(single.ours?.cpuSecondsPerGiB, 2),
      baseline: `${fmt(single.nginx?.cpuSecondsPerGiB, 2)} (${fmt(single['node-pipe']?.cpuSecondsPerGiB, 2)}; ${fmt(single.direct?.cpuSecondsPerGiB, 2)})`,
      ratio: x(single.ours && single.nginx ? single.ours.cpuSecondsPerGiB / single.nginx.cpuSecondsPerGiB : undefined),
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'time to first byte ms, ours vs direct (nginx)',
      ours: fmt(single.ours?.ttfbMs, 1),
      baseline: `${fmt(single.direct?.ttfbMs, 1)} (${fmt(single.nginx?.ttfbMs, 1)})`,
      ratio: x(s.ratios.ttfbOursOverDirect),
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'RSS of our process: before → peak (growth), MiB',
      ours: `${mb(s.rss.beforeBytes)} → ${mb(s.rss.peakSingleBytes)} (+${mb(s.rss.growthSingleBytes)})`,
      baseline: '',
      ratio: '',
      target: 'growth ≤ 64 MB',
      met: verdict(s.rss.growthSingleBytes <= 64 * 1e6),
    },
    { benchmark: nameConcurrent, measure: 'aggregate MiB/s, ours vs nginx', ours: fmt(agg.ours), baseline: fmt(agg.nginx), ratio: x(s.ratios.concurrentOursOverNginx), target: '≥ 0.90×', met: verdict(atLeast(s.ratios.concurrentOursOverNginx, 0.9)) },
    { benchmark: nameConcurrent, measure: 'aggregate MiB/s, ours vs direct (node-pipe)', ours: fmt(agg.ours), baseline: `${fmt(agg.direct)} (${fmt(agg['node-pipe'])})`, ratio: x(s.ratios.concurrentOursOverDirect), target: '≥ 0.80×', met: verdict(atLeast(s.ratios.concurrentOursOverDirect, 0.8)) },
    {
      benchmark: nameConcurrent,
      measure: 'proxy CPU s per GiB: ours vs nginx (node-pipe)',
      ours: fmt(s.concurrent.cpuSecondsPerGiB.ours, 2),
      baseline: `${fmt(s.concurrent.cpuSecondsPerGiB.nginx, 2)} (${fmt(s.concurrent.cpuSecondsPerGiB['node-pipe'], 2)})`,
      ratio: x(s.concurrent.cpuSecondsPerGiB.ours !== undefined && s.concurrent.cpuSecondsPerGiB.nginx !== undefined ? s.concurrent.cpuSecondsPerGiB.ours / s.concurrent.cpuSecondsPerGiB.nginx : undefined),
      target: '',
      met: '',
    },
    { benchmark: nameConcurrent, measure: 'RSS of our process: peak (growth), MiB', ours: `${mb(s.rss.peakConcurrentBytes)} (+${mb(s.rss.growthConcurrentBytes)})`, baseline: '', ratio: '', target: '', met: '' },
    { benchmark: nameThrottled, measure: 'MiB/s, ours vs nginx', ours: fmt(thr.ours), baseline: fmt(thr.nginx), ratio: x(s.ratios.throttledOursOverNginx), target: '≥ 0.90×', met: verdict(atLeast(s.ratios.throttledOursOverNginx, 0.9)) },
    { benchmark: nameThrottled, measure: 'MiB/s, ours vs direct', ours: fmt(thr.ours), baseline: fmt(thr.direct), ratio: x(s.ratios.throttledOursOverDirect), target: '≥ 0.80×', met: verdict(atLeast(s.ratios.throttledOursOverDirect, 0.8)) },
  ];
}

function mixedRows(m: MixedLoadResult): Row[] {
  const name = `4. mixed: ${m.graphqlConnections} GraphQL connections + ${m.downloaders} downloaders of ${(m.fileBytes / 1e6).toFixed(0)} MB (${m.phaseSeconds} s each)`;
  return [
    {
      benchmark: name,
      measure: 'download MiB/s: with GraphQL saturating vs downloads alone',
      ours: fmt(m.mixed.downloads.mibPerSecond),
      baseline: fmt(m.downloadsAlone.mibPerSecond),
      ratio: x(m.downloadRatio),
      target: '≥ 0.80×',
      met: verdict(m.downloadRatio >= 0.8),
    },
    {
      benchmark: name,
      measure: 'GraphQL requests/s: with the downloads vs alone',
      ours: fmt(m.mixed.graphql.requestsPerSecond),
      baseline: fmt(m.graphqlAlone.requestsPerSecond),
      ratio: x(m.graphqlRatio),
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'GraphQL p99 ms: with the downloads vs alone',
      ours: fmt(m.mixed.graphql.p99Ms),
      baseline: fmt(m.graphqlAlone.p99Ms),
      ratio: x(m.mixed.graphql.p99Ms / m.graphqlAlone.p99Ms),
      target: '',
      met: '',
    },
    {
      benchmark: name,
      measure: 'slowest wait under mixed load, ms: GraphQL request; download first byte',
      ours: `${fmt(m.mixed.graphql.maxMs)}; ${fmt(m.mixed.downloads.maxTtfbMs)}`,
      baseline: `${fmt(m.graphqlAlone.maxMs)}; ${fmt(m.downloadsAlone.maxTtfbMs)}`,
      ratio: '',
      target: '≤ 1000',
      met: verdict(m.worstWaitMs <= 1000),
    },
    {
      benchmark: name,
      measure: `failed requests (GraphQL; downloads), and downloads after ${m.afterIdle.idleSeconds} s idle (upstream keep-alive 5 s)`,
      ours: `${m.mixed.graphql.failures}; ${m.mixed.downloads.failures}; ${m.afterIdle.failures} of ${m.afterIdle.downloads}`,
      baseline: `${m.graphqlAlone.failures}; ${m.downloadsAlone.failures}`,
      ratio: '',
      target: '0',
      met: verdict(m.mixed.graphql.failures + m.mixed.downloads.failures + m.afterIdle.failures + m.graphqlAlone.failures + m.downloadsAlone.failures === 0),
    },
  ];
}

export function markdownTable(results: BenchResults): string {
  const rows = [
    ...(results.batching ? batchingRows(results.batching) : []),
    ...(results.graphql ? graphqlRows(results.graphql) : []),
    ...(results.streaming ? streamingRows(results.streaming) : []),
    ...(results.indexIngest ? indexIngestRows(results.indexIngest) : []),
    ...(results.indexGraphQL ? indexGraphQLRows(results.indexGraphQL) : []),
    ...(results.mixed ? mixedRows(results.mixed) : []),
  ];
  const header = '| benchmark | measure | ours | baseline | ratio | target | met |\n|---|---|---:|---:|---:|---|---|';
  return [header, ...rows.map((r) => `| ${r.benchmark} | ${r.measure} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.met} |`)].join('\n');
}

const SECTION_NAMES: Record<BenchSection, string> = {
  batching: '1 (batching)',
  graphql: '2 (GraphQL)',
  streaming: '3 (streaming)',
  mixed: '4 (mixed load)',
  indexIngest: '5 (index ingestion)',
  indexGraphQL: '6 (GraphQL on the index)',
};

export function machineLine(results: BenchResults): string {
  const m = results.machine;
  const line = `Measured ${results.startedAt} (${results.mode} run, ${Math.round(results.durationSeconds)} s) on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.kernel}, Node ${m.node}.`;
  const byRun = new Map<string, { origin: RunOrigin; sections: string[] }>();
  for (const [section, origin] of Object.entries(results.kept ?? {}) as Array<[BenchSection, RunOrigin]>) {
    const entry = byRun.get(origin.startedAt) ?? { origin, sections: [] };
    entry.sections.push(SECTION_NAMES[section]);
    byRun.set(origin.startedAt, entry);
  }
  const earlier = [...byRun.values()].map(
    ({ origin, sections }) => `${sections.join(' and ')}: an earlier ${origin.mode} run, ${origin.startedAt}, on ${origin.machine.cpuModel}, ${origin.machine.cores} cores, Node ${origin.machine.node}`,
  );
  return earlier.length === 0 ? line : `${line} Rows kept from earlier runs: ${earlier.join('; ')}.`;
}

function concurrentNote(st: StreamingResult): string {
  const ours = st.concurrent.cpuSecondsPerGiB.ours;
  const pipe = st.concurrent.cpuSecondsPerGiB['node-pipe'];
  if (ours === undefined || pipe === undefined) return '';
  return `With ${st.concurrent.downloads} downloads at once ours spends ${ours.toFixed(2)} CPU s per GiB against ${pipe.toFixed(2)} for the minimal proxy. `;
}

/** Where a target is missed, the figures of this same run that say why (see bench/README.md for the profiles). */
export function missedTargetNotes(results: BenchResults): string[] {
  const notes: string[] = [];
  const b = results.batching;
  if (b && b.coldOverIdeal > 1.3) {
    notes.push(`Batching: cold wall ${b.cold.wallMsMedian.toFixed(0)} ms is ${b.coldOverIdeal.toFixed(2)}× the ideal ${b.idealMs} ms.`);
  }
  const g = results.graphql;
  if (g && (g.ratio < 0.9 || g.p99Ratio > 1.5)) {
    notes.push(
      `GraphQL: ours reaches ${x(g.ratio)} the bare server's requests/s at ${x(g.p99Ratio)} its p99, spending ${x(g.cpuRatio)} its CPU per request. Per request ours does what the bare server does plus the access-log line, the duration histogram, traceparent, the router-secret and caller checks, the body and document limits, 40 link mints (${x(g.freshLinksCpuRatio)} the bare CPU when every request seals all 40: MEDIA_LINK_REUSE=false) and the playback-token cache. CPU profiles: \`npm run bench -- --only=graphql --cpu-prof\`, then \`node --import tsx bench/profile-summary.ts bench/tmp/profiles/<file>\`.`,
    );
  }
  const st = results.streaming;
  if (st && ((st.ratios.oursOverNginx ?? 1) < 0.9 || (st.ratios.concurrentOursOverNginx ?? 1) < 0.9 || st.ratios.oursOverDirect < 0.8)) {
    const cpu = (p: 'ours' | 'nginx' | 'node-pipe' | 'direct'): string => st.single[p]?.cpuSecondsPerGiB.toFixed(2) ?? 'n/a';
    const limited = st.ratios.throttledOursOverNginx;
    notes.push(
      `Streaming: on loopback every path is CPU-bound (${st.pinned ? 'each proxy has core 1; simulator and curl share core 0' : 'simulator, proxy and curl share the cores'}). Moving one GiB costs nginx ${cpu('nginx')} CPU s, the smallest Node.js proxy (http.get → pipe) ${cpu('node-pipe')} and ours ${cpu('ours')}; ours runs at ${st.ratios.oursOverNodePipe.toFixed(2)}× that minimal Node proxy: the runtime's per-chunk cost (64 KiB reads, HTTP parsing and writes through JS streams) sets the rate, nginx's C path with sendfile-sized buffers costs less per byte. ${concurrentNote(st)}${limited === undefined ? '' : `With a network in the path (a client reading at 1 Gbit/s) ours delivers ${limited.toFixed(2)}× nginx's rate.`}`,
    );
  }
  const m = results.mixed;
  if (m && (m.downloadRatio < 0.8 || m.worstWaitMs > 1000)) {
    notes.push(
      `Mixed load: with GraphQL saturating the server the downloads reach ${m.downloadRatio.toFixed(2)}× their rate alone, and the slowest wait is ${m.worstWaitMs.toFixed(0)} ms. Both halves share one core of ours (and the other core runs the simulator, autocannon and every curl), so GraphQL's CPU is taken from the downloads' and the load generators' from the simulator's.`,
    );
  }
  notes.push(...indexMissedTargetNotes(results.indexIngest, results.indexGraphQL));
  return notes;
}

export function readmeSection(results: BenchResults): string {
  const notes: string[] = [];
  if (results.streaming) {
    notes.push(
      `Streaming client: ${results.streaming.client}. Direct = the simulator's own playVoice URL; nginx = ${results.streaming.nginxSettings ?? 'not available on this machine'}; node-pipe = the smallest Node.js proxy (http.get → pipe, keep-alive agent); ours = Playback.url through the media route, for the same token. Loopback runs are CPU-bound on this machine (simulator, proxy and client share the cores); the 1 Gbit/s rows limit the client's reading rate (curl --limit-rate), as a network in the path would.`,
    );
  }
  notes.push(
    'The machine is shared: absolute rates drift by up to 2× between runs (e.g. nginx with 16 downloads); the ratios are taken within one run, and CPU seconds per GiB are the steadier streaming figure.',
  );
  notes.push(`Every server runs in its own process on 127.0.0.1 (ours: ${results.ours ?? 'src/main.ts under tsx'}, NODE_ENV=production, configured by environment variables to use a simulator in another process). Figures are medians of the rounds after a warm-up; MiB = 2^20 bytes.${results.mallocTopPad === undefined ? '' : ` Every Node process ran with MALLOC_TOP_PAD_=${results.mallocTopPad}${results.mallocTopPad === 'glibc default' ? '' : ' (as the Docker image runs)'}.`}`);
  notes.push(...indexNotes(results.indexIngest, results.indexGraphQL));
  const misses = missedTargetNotes(results);
  return [
    markdownTable(results),
    '',
    machineLine(results),
    '',
    ...notes.map((n) => `- ${n}`),
    ...(misses.length > 0 ? ['', 'Targets missed in this run, and why:', '', ...misses.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
}
