/**
 * Benchmark 3, streaming: one synthetic 1 GiB recording, served four ways to the same discarding
 * client:
 *   direct    — GET playVoice?st=<token> on the simulator itself (the upper bound);
 *   nginx     — the same URL through nginx (proxy_pass to the simulator): the hand-written-proxy baseline;
 *   node-pipe — the same URL through the smallest Node.js proxy (http.get → pipe): the runtime's own ceiling;
 *   ours      — Playback.url, the media route with a signed link for the same token.
 * Single downloads (MiB/s, time to first byte, CPU seconds per GiB of the proxy) and 16 at once
 * (aggregate MiB/s), with the resident memory of our process sampled from /proc while it streams.
 * Then the same single download by a client that reads at 1 Gbit/s (curl --limit-rate), i.e. with a
 * network in the path, where the proxy's CPU cost per byte no longer sets the rate.
 */
import { CAN_LIMIT_RATE, DOWNLOAD_CLIENT, download, downloadInParallel, type DownloadResult } from './lib/download-client.js';
import { freePort } from '../test/support/ports.js';
import { expectNoErrors, postGraphQL } from './lib/graphql-client.js';
import { ensureNginx, NGINX_SETTINGS, startNginx, type RunningNginx } from './lib/nginx.js';
import { cpuSecondsOfTree, pinToCpu, unpin } from './lib/process-cpu.js';
import { readProcessMemory, sampleRss } from './lib/process-memory.js';
import { forkRpcChild, type RpcChild } from './lib/rpc.js';
import { median, MIB } from './lib/stats.js';
import type { SubgraphProcess } from '../test/support/subgraph-process.js';
import { startOurSubgraph } from './lib/subgraph.js';
import type { SimulatorChildInfo } from './servers/simulator-child.js';

export const PATHS = ['direct', 'nginx', 'node-pipe', 'ours'] as const;
export type PathName = (typeof PATHS)[number];

export interface SinglePathFigures {
  mibPerSecond: number;
  ttfbMs: number;
  /** CPU seconds the serving process (tree) spent per GiB delivered: for direct, the simulator. */
  cpuSecondsPerGiB: number;
  rounds: { mibPerSecond: number; ttfbMs: number; cpuSecondsPerGiB: number }[];
}

export interface StreamingResult {
  payloadBytes: number;
  rounds: number;
  client: string;
  nginxSettings: string | undefined;
  /** Proxies (nginx, node-pipe, ours) on CPU 1; simulator, client and benchmark on CPU 0. */
  pinned: boolean;
  single: Partial<Record<PathName, SinglePathFigures>>;
  concurrent: {
    downloads: number;
    payloadBytesEach: number;
    rounds: number;
    aggregateMiBps: Partial<Record<PathName, number>>;
    /** CPU seconds of the serving process (tree) per GiB delivered, under 16 concurrent downloads. */
    cpuSecondsPerGiB: Partial<Record<PathName, number>>;
  };
  /** A client reading at 1 Gbit/s; empty when curl is missing. */
  throttled: {
    clientBytesPerSecond: number;
    payloadBytes: number;
    mibPerSecond: Partial<Record<PathName, number>>;
  };
  ratios: {
    oursOverNginx: number | undefined;
    oursOverDirect: number;
    oursOverNodePipe: number;
    concurrentOursOverNginx: number | undefined;
    concurrentOursOverDirect: number;
    throttledOursOverNginx: number | undefined;
    throttledOursOverDirect: number | undefined;
    ttfbOursOverDirect: number;
  };
  rss: {
    beforeBytes: number;
    peakSingleBytes: number;
    growthSingleBytes: number;
    peakConcurrentBytes: number;
    growthConcurrentBytes: number;
  };
}

const FILE = 'Y:/1/0/20261120/990/bench-1gib.V3';
const CONCURRENT_FILE = 'Y:/1/0/20261120/990/bench-concurrent.V3';
const THROTTLED_FILE = 'Y:/1/0/20261120/990/bench-throttled.V3';
/** 1 Gbit/s. */
const NETWORK_RATE = 125_000_000;

function checkComplete(label: string, result: DownloadResult, expectedBytes: number): void {
  if (result.status !== 200 || result.bytes !== expectedBytes) {
    throw new Error(`${label}: status ${result.status}, ${result.bytes} of ${expectedBytes} bytes`);
  }
}

async function playback(graphqlUrl: string, fileName: string): Promise<{ token: string; url: string }> {
  const data = expectNoErrors(
    'recording.playback',
    await postGraphQL<{ recording: { playback: { token: string; url: string } } }>(
      graphqlUrl,
      'query P($f: String!) { recording(fileName: $f) { playback { token url } } }',
      { f: fileName },
    ),
  );
  return data.recording.playback;
}

/** Rotates the order per round so that no path always runs first or right after the same other one. */
function orderFor<T>(items: readonly T[], round: number): T[] {
  return items.map((_, i) => items[(i + round) % items.length]!);
}

export async function runStreaming(options: {
  rounds: number;
  payloadBytes?: number;
  concurrentDownloads?: number;
  concurrentBytesEach?: number;
  concurrentRounds?: number;
  throttledBytes?: number;
  log: (line: string) => void;
  oursExecArgv?: string[];
}): Promise<StreamingResult> {
  const payloadBytes = options.payloadBytes ?? 2 ** 30;
  const downloads = options.concurrentDownloads ?? 16;
  const concurrentBytesEach = options.concurrentBytesEach ?? 2 ** 30;
  const concurrentRounds = options.concurrentRounds ?? 1;
  const throttledBytes = options.throttledBytes ?? 256 * MIB;

  const nginxBinary = ensureNginx(options.log);
  const sim = await forkRpcChild<SimulatorChildInfo>(new URL('./servers/simulator-child.ts', import.meta.url));
  const simOrigin = new URL(sim.info.ccfsBaseUrl).origin;
  let ours: SubgraphProcess | undefined;
  let nginx: RunningNginx | undefined;
  let nodePipe: RpcChild<{ url: string }> | undefined;
  try {
    await sim.call('addFile', FILE, { size: payloadBytes, kind: 'bytes' });
    await sim.call('addFile', CONCURRENT_FILE, { size: concurrentBytesEach, kind: 'bytes' });
    await sim.call('addFile', THROTTLED_FILE, { size: throttledBytes, kind: 'bytes' });
    ours = await startOurSubgraph(sim.info, { ...(options.oursExecArgv ? { execArgv: options.oursExecArgv } : {}) });
    if (nginxBinary) nginx = await startNginx(nginxBinary, sim.info.port, await freePort());
    nodePipe = await forkRpcChild<{ url: string }>(new URL('./servers/node-proxy-child.ts', import.meta.url), {
      env: { UPSTREAM_ORIGIN: simOrigin },
    });

    const origins: Partial<Record<PathName, string>> = {
      direct: simOrigin,
      'node-pipe': nodePipe.info.url,
      ...(nginx ? { nginx: nginx.url } : {}),
    };
    const servingPid: Record<PathName, number | undefined> = { direct: sim.pid, nginx: nginx?.pid, 'node-pipe': nodePipe.pid, ours: ours.pid };
    // Two cores: each proxy under test gets core 1 to itself; the byte source (simulator) and the
    // client (curl, a child of this process) share core 0. The proxy's own cost then decides whether it
    // keeps up with the source, instead of the three trading time slices on both cores.
    const pinned = [nginx?.pid, nodePipe.pid, ours.pid]
      .filter((pid): pid is number => pid !== undefined)
      .map((pid) => pinToCpu(pid, 1))
      .concat(pinToCpu(sim.pid, 0), pinToCpu(process.pid, 0))
      .every(Boolean);
    options.log(pinned ? '  proxies pinned to CPU 1; simulator, client and benchmark to CPU 0' : '  (no CPU pinning on this machine)');
    const paths = PATHS.filter((p) => p === 'ours' || origins[p] !== undefined);
    /** The URL of each path for one recording: the same playVoice token everywhere. */
    const urlsFor = async (fileName: string): Promise<Record<PathName, string>> => {
      const grant = await playback(ours!.graphqlUrl, fileName);
      const path = `/CCFS/resource/ccfs/playVoice?t=${Date.now()}&version=2.0&st=${encodeURIComponent(grant.token)}`;
      const urls = { ours: grant.url } as Record<PathName, string>;
      for (const p of paths) if (p !== 'ours') urls[p] = `${origins[p]}${path}`;
      return urls;
    };

    // Memory of our process before it has streamed anything (after startup and one GraphQL query).
    const singleUrls = await urlsFor(FILE);
    const beforeBytes = readProcessMemory(ours.pid).rss;
    let peakSingleBytes = beforeBytes;

    const singleRounds: Record<PathName, SinglePathFigures['rounds']> = { direct: [], nginx: [], 'node-pipe': [], ours: [] };
    // Round 0 warms every path up (JIT, connections) and is not counted.
    for (let round = 0; round <= options.rounds; round += 1) {
      for (const path of orderFor(paths, round)) {
        const sampler = path === 'ours' ? sampleRss(ours.pid) : undefined;
        const cpuBefore = cpuSecondsOfTree(servingPid[path]!);
        const result = await download(singleUrls[path]);
        const cpu = cpuSecondsOfTree(servingPid[path]!) - cpuBefore;
        if (sampler) peakSingleBytes = Math.max(peakSingleBytes, sampler.stop().peakRss);
        checkComplete(`single ${path}`, result, payloadBytes);
        const mibPerSecond = result.bytes / MIB / (result.totalMs / 1000);
        const cpuSecondsPerGiB = cpu / (result.bytes / 2 ** 30);
        options.log(
          `  stream ${round === 0 ? 'warm-up' : `round ${round}`} ${path}: ${mibPerSecond.toFixed(0)} MiB/s, ttfb ${result.ttfbMs.toFixed(1)} ms, ${cpuSecondsPerGiB.toFixed(2)} CPU s/GiB`,
        );
        if (round > 0) singleRounds[path].push({ mibPerSecond, ttfbMs: result.ttfbMs, cpuSecondsPerGiB });
      }
    }

    const concurrentUrls = await urlsFor(CONCURRENT_FILE);
    const concurrentRuns: Record<PathName, number[]> = { direct: [], nginx: [], 'node-pipe': [], ours: [] };
    const concurrentCpu: Record<PathName, number[]> = { direct: [], nginx: [], 'node-pipe': [], ours: [] };
    let peakConcurrentBytes = beforeBytes;
    for (let round = 0; round < concurrentRounds; round += 1) {
      // Ours first, the minimal Node proxy last: with one round, whichever path goes last has waited
      // minutes with idle upstream connections (ours last measured 3-6 CPU s/GiB here, first 1.8).
      for (const path of orderFor(paths, round + 3)) {
        const sampler = path === 'ours' ? sampleRss(ours.pid) : undefined;
        const cpuBefore = cpuSecondsOfTree(servingPid[path]!);
        const run = await downloadInParallel(Array.from({ length: downloads }, () => concurrentUrls[path]));
        const cpuSecondsPerGiB = (cpuSecondsOfTree(servingPid[path]!) - cpuBefore) / ((downloads * concurrentBytesEach) / 2 ** 30);
        if (sampler) peakConcurrentBytes = Math.max(peakConcurrentBytes, sampler.stop().peakRss);
        run.results.forEach((r, i) => checkComplete(`concurrent ${path} #${i}`, r, concurrentBytesEach));
        concurrentRuns[path].push(run.aggregateMiBps);
        concurrentCpu[path].push(cpuSecondsPerGiB);
        options.log(
          `  stream ×${downloads} round ${round + 1} ${path}: ${run.aggregateMiBps.toFixed(0)} MiB/s aggregate, ${cpuSecondsPerGiB.toFixed(2)} CPU s/GiB`,
        );
      }
    }

    const throttledUrls = await urlsFor(THROTTLED_FILE);
    const throttled: Partial<Record<PathName, number>> = {};
    for (const path of CAN_LIMIT_RATE ? paths : []) {
      const result = await download(throttledUrls[path], { limitBytesPerSecond: NETWORK_RATE });
      checkComplete(`throttled ${path}`, result, throttledBytes);
      throttled[path] = result.bytes / MIB / (result.totalMs / 1000);
      options.log(`  stream to a 1 Gbit/s client ${path}: ${throttled[path]!.toFixed(0)} MiB/s`);
    }

    const single: Partial<Record<PathName, SinglePathFigures>> = {};
    const aggregate: Partial<Record<PathName, number>> = {};
    const aggregateCpu: Partial<Record<PathName, number>> = {};
    for (const path of paths) {
      const r = singleRounds[path];
      single[path] = {
        mibPerSecond: median(r.map((x) => x.mibPerSecond)),
        ttfbMs: median(r.map((x) => x.ttfbMs)),
        cpuSecondsPerGiB: median(r.map((x) => x.cpuSecondsPerGiB)),
        rounds: r,
      };
      aggregate[path] = median(concurrentRuns[path]);
      aggregateCpu[path] = median(concurrentCpu[path]);
    }
    const oursSingle = single.ours!.mibPerSecond;
    return {
      payloadBytes,
      rounds: options.rounds,
      client: DOWNLOAD_CLIENT,
      nginxSettings: nginx ? NGINX_SETTINGS : undefined,
      pinned,
      single,
      concurrent: { downloads, payloadBytesEach: concurrentBytesEach, rounds: concurrentRounds, aggregateMiBps: aggregate, cpuSecondsPerGiB: aggregateCpu },
      throttled: { clientBytesPerSecond: NETWORK_RATE, payloadBytes: throttledBytes, mibPerSecond: throttled },
      ratios: {
        oursOverNginx: single.nginx ? oursSingle / single.nginx.mibPerSecond : undefined,
        oursOverDirect: oursSingle / single.direct!.mibPerSecond,
        oursOverNodePipe: oursSingle / single['node-pipe']!.mibPerSecond,
        concurrentOursOverNginx: aggregate.nginx ? aggregate.ours! / aggregate.nginx : undefined,
        concurrentOursOverDirect: aggregate.ours! / aggregate.direct!,
        throttledOursOverNginx: throttled.nginx && throttled.ours ? throttled.ours / throttled.nginx : undefined,
        throttledOursOverDirect: throttled.ours === undefined ? undefined : throttled.ours / throttled.direct!,
        ttfbOursOverDirect: single.ours!.ttfbMs / single.direct!.ttfbMs,
      },
      rss: {
        beforeBytes,
        peakSingleBytes,
        growthSingleBytes: peakSingleBytes - beforeBytes,
        peakConcurrentBytes,
        growthConcurrentBytes: peakConcurrentBytes - beforeBytes,
      },
    };
  } finally {
    unpin(process.pid);
    await nginx?.stop();
    await nodePipe?.stop();
    await ours?.stop();
    await sim.stop();
  }
}
