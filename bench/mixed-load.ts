/**
 * Benchmark 4, mixed load: GraphQL clients and downloaders on the same subgraph at once, against
 * each half alone in the same run. 100 autocannon connections send the `_entities` query of
 * benchmark 2 (saturating the server); 10 downloaders (curl) each fetch a 3 MB recording through its
 * Playback.url, again and again. Three phases of equal length, in this order: downloads alone,
 * GraphQL alone, both. Reported: GraphQL requests/s, p99 and slowest request; download MiB/s, the
 * slowest time to first byte, and failures of either kind. Then, after a pause longer than the
 * simulator's keep-alive (5 s), a burst of downloads checks that connections the platform closed
 * meanwhile cost nobody an error.
 *
 * Our server is pinned to CPU 1; the simulator, autocannon and the curls to CPU 0.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { download, type DownloadResult } from './lib/download-client.js';
import { expectNoErrors, postGraphQL } from './lib/graphql-client.js';
import { graphqlLoad, ROUTER_SECRET } from './lib/graphql-load.js';
import { pinToCpu, unpin } from './lib/process-cpu.js';
import { forkRpcChild } from './lib/rpc.js';
import { MIB } from './lib/stats.js';
import { startOurSubgraph } from './lib/subgraph.js';
import type { SimulatorChildInfo } from './servers/simulator-child.js';

export interface GraphQLHalf {
  requestsPerSecond: number;
  p99Ms: number;
  maxMs: number;
  failures: number;
}

export interface DownloadHalf {
  downloads: number;
  mibPerSecond: number;
  /** The slowest time to the first body byte, ms. */
  maxTtfbMs: number;
  /** The slowest whole download, ms. */
  maxTotalMs: number;
  failures: number;
  /** What the failed downloads were (status and bytes, or the client's error), the first few. */
  failureSamples: string[];
}

export interface MixedLoadResult {
  graphqlConnections: number;
  downloaders: number;
  fileBytes: number;
  phaseSeconds: number;
  graphqlAlone: GraphQLHalf;
  downloadsAlone: DownloadHalf;
  mixed: { graphql: GraphQLHalf; downloads: DownloadHalf };
  /** mixed download MiB/s / downloads alone (target ≥ 0.8). */
  downloadRatio: number;
  /** mixed GraphQL requests/s / GraphQL alone. */
  graphqlRatio: number;
  /** The slowest GraphQL request and the slowest first download byte under mixed load (target ≤ 1000 ms). */
  worstWaitMs: number;
  /** Downloads started together after the upstream's keep-alive expired: how many, how many failed. */
  afterIdle: { downloads: number; failures: number; idleSeconds: number };
  pinned: boolean;
}

const QUERY = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Recording { fileName playback { token expiresAt url } download { url } }
  }
}`;
const FILE = 'Y:/1/0/20261120/990/bench-mixed-3mb.V3';
const FILE_BYTES = 3_000_000;
/** Longer than the simulator's keep-alive (Node's default 5 s). */
const IDLE_SECONDS = 6;

async function graphqlHalf(url: string, body: string, connections: number, seconds: number): Promise<GraphQLHalf> {
  const result = await graphqlLoad({ url, body, connections, seconds, headers: { 'router-authorization': ROUTER_SECRET } });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    failures: result.non2xx + result.errors + result.mismatches + result.timeouts,
  };
}

/** `downloaders` loops fetching `url` until `seconds` have passed; MiB/s over the whole phase. */
async function downloadLoad(url: string, downloaders: number, seconds: number): Promise<DownloadHalf> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const results: DownloadResult[] = [];
  let failures = 0;
  const failureSamples: string[] = [];
  const failed = (what: string) => {
    failures += 1;
    if (failureSamples.length < 5) failureSamples.push(what);
  };
  await Promise.all(
    Array.from({ length: downloaders }, async () => {
      while (performance.now() < deadline) {
        try {
          const result = await download(url);
          if (result.status === 200 && result.bytes === FILE_BYTES) results.push(result);
          else failed(`status ${result.status}, ${result.bytes} bytes`);
        } catch (error) {
          failed(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const bytes = results.reduce((sum, r) => sum + r.bytes, 0);
  return {
    downloads: results.length,
    mibPerSecond: bytes / MIB / wallSeconds,
    maxTtfbMs: Math.max(0, ...results.map((r) => r.ttfbMs)),
    maxTotalMs: Math.max(0, ...results.map((r) => r.totalMs)),
    failures,
    failureSamples,
  };
}

export async function runMixedLoad(options: {
  phaseSeconds: number;
  graphqlConnections?: number;
  downloaders?: number;
  log: (line: string) => void;
  oursExecArgv?: string[];
}): Promise<MixedLoadResult> {
  const connections = options.graphqlConnections ?? 100;
  const downloaders = options.downloaders ?? 10;
  const seconds = options.phaseSeconds;
  const sim = await forkRpcChild<SimulatorChildInfo>(new URL('./servers/simulator-child.ts', import.meta.url));
  let ours: Awaited<ReturnType<typeof startOurSubgraph>> | undefined;
  try {
    await sim.call('addFile', FILE, { size: FILE_BYTES, kind: 'bytes' });
    ours = await startOurSubgraph(sim.info, {
      env: { ROUTER_SECRET, LOG_LEVEL: 'info' },
      ...(options.oursExecArgv ? { execArgv: options.oursExecArgv } : {}),
    });
    const pinned = [pinToCpu(ours.pid, 1), pinToCpu(sim.pid, 0), pinToCpu(process.pid, 0)].every(Boolean);
    options.log(pinned ? '  ours pinned to CPU 1; simulator, autocannon and curl to CPU 0' : '  (no CPU pinning on this machine)');

    const headers = { 'router-authorization': ROUTER_SECRET };
    const representations = sim.info.recordings.slice(0, 20).map((fileName) => ({ __typename: 'Recording', fileName }));
    const body = JSON.stringify({ query: QUERY, variables: { representations } });
    expectNoErrors('_entities', await postGraphQL(ours.graphqlUrl, QUERY, { representations }, headers));
    const playback = expectNoErrors(
      'recording.playback',
      await postGraphQL<{ recording: { playback: { url: string } } }>(
        ours.graphqlUrl,
        'query P($f: String!) { recording(fileName: $f) { playback { url } } }',
        { f: FILE },
        headers,
      ),
    );
    const mediaUrl = playback.recording.playback.url;

    // Warm-up of both halves (JIT, connections), not counted.
    await Promise.all([graphqlHalf(ours.graphqlUrl, body, connections, 3), downloadLoad(mediaUrl, downloaders, 3)]);

    const downloadsAlone = await downloadLoad(mediaUrl, downloaders, seconds);
    options.log(`  downloads alone: ${downloadsAlone.mibPerSecond.toFixed(0)} MiB/s, ${downloadsAlone.downloads} downloads, slowest first byte ${downloadsAlone.maxTtfbMs.toFixed(0)} ms, failures ${downloadsAlone.failures} ${downloadsAlone.failureSamples.join('; ')}`);
    const graphqlAlone = await graphqlHalf(ours.graphqlUrl, body, connections, seconds);
    options.log(`  GraphQL alone: ${graphqlAlone.requestsPerSecond.toFixed(0)} req/s, p99 ${graphqlAlone.p99Ms} ms, max ${graphqlAlone.maxMs} ms, failures ${graphqlAlone.failures}`);
    const [mixedGraphql, mixedDownloads] = await Promise.all([
      graphqlHalf(ours.graphqlUrl, body, connections, seconds),
      downloadLoad(mediaUrl, downloaders, seconds),
    ]);
    options.log(
      `  both: GraphQL ${mixedGraphql.requestsPerSecond.toFixed(0)} req/s, p99 ${mixedGraphql.p99Ms} ms, max ${mixedGraphql.maxMs} ms, failures ${mixedGraphql.failures}; downloads ${mixedDownloads.mibPerSecond.toFixed(0)} MiB/s, ${mixedDownloads.downloads} downloads, slowest first byte ${mixedDownloads.maxTtfbMs.toFixed(0)} ms, failures ${mixedDownloads.failures} ${mixedDownloads.failureSamples.join('; ')}`,
    );

    // Every upstream connection of ours has now been idle longer than the simulator keeps it.
    await sleep(IDLE_SECONDS * 1000);
    const burst = await Promise.all(
      Array.from({ length: downloaders }, () => download(mediaUrl).then((r) => r.status === 200 && r.bytes === FILE_BYTES, () => false)),
    );
    const afterIdle = { downloads: burst.length, failures: burst.filter((ok) => !ok).length, idleSeconds: IDLE_SECONDS };
    options.log(`  after ${IDLE_SECONDS} s idle: ${afterIdle.downloads} downloads at once, failures ${afterIdle.failures}`);

    return {
      graphqlConnections: connections,
      downloaders,
      fileBytes: FILE_BYTES,
      phaseSeconds: seconds,
      graphqlAlone,
      downloadsAlone,
      mixed: { graphql: mixedGraphql, downloads: mixedDownloads },
      downloadRatio: mixedDownloads.mibPerSecond / downloadsAlone.mibPerSecond,
      graphqlRatio: mixedGraphql.requestsPerSecond / graphqlAlone.requestsPerSecond,
      worstWaitMs: Math.max(mixedGraphql.maxMs, mixedDownloads.maxTtfbMs),
      afterIdle,
      pinned,
    };
  } finally {
    unpin(process.pid);
    await ours?.stop();
    await sim.stop();
  }
}
