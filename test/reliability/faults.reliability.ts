/**
 * Faults injected at the simulator, one at a time: for each, what a GraphQL client and a downloader
 * see (a clear error, never a wrong or truncated success), and that the service recovers by itself
 * once the fault is cleared.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import type { SimEndpoint, SimFault, Simulator } from '../../src/simulator/types.js';
import { pollUntil } from '../support/eventually.js';
import { download, postGraphQL } from './clients.js';
import { count, newFigures, saveFigures, type FaultRow } from './figures.js';
import { judgeDownload, mintLinksUnderTest, PLAYBACK_QUERY, probeDownload, probeGraphQL, type MediaLinkUnderTest, type Observation } from './probes.js';
import { DOWNLOAD_ENDPOINTS, startStack, type Stack } from './stack.js';

const figures = newFigures('faults');
const started = Date.now();
let stack: Stack;
let agent: http.Agent;
let links: MediaLinkUnderTest[];
let nextRecording = 1;

/** A sample recording whose playback token is not cached yet, so that requestPlayVoice is called. */
function freshRecording(): string {
  const { recordings } = stack.sim.samples;
  const name = recordings[nextRecording % recordings.length]!;
  nextRecording += 1;
  return name;
}

const CCFS_DOWNLOADS: SimEndpoint[] = ['playVoice', 'downloadRecord'];
const GATEWAY_DOWNLOADS: SimEndpoint[] = ['recordfiledownloadEx', 'videofiledownload'];
const isGatewayLink = (link: MediaLinkUnderTest): boolean => link.name === 'recordfiledownloadEx' || link.name === 'videofiledownload';

interface FaultScenario {
  name: string;
  inject(sim: Simulator): void;
  /** Outcomes (prefixes) the GraphQL client may see. */
  graphql: string[];
  /** Outcomes (prefixes) the downloader may see, per link; default `200 complete`. */
  download(link: MediaLinkUnderTest): string[];
}

const injectAll = (sim: Simulator, endpoints: SimEndpoint[], fault: SimFault, times = Infinity): void => {
  for (const endpoint of endpoints) sim.inject(endpoint, fault, { times });
};
const ok = ['200 complete'];

const SCENARIOS: FaultScenario[] = [
  {
    name: 'latency spike: +1 s on every CC call (below the first-byte timeout)',
    inject: (sim) => {
      sim.knobs.latencyMs = 1_000;
    },
    graphql: ['valid answer'],
    download: () => ok,
  },
  {
    name: 'latency spike: +4 s on requestPlayVoice and every download (beyond the 2.5 s first-byte timeout)',
    inject: (sim) => {
      sim.knobs.latencyByEndpoint = Object.fromEntries(['requestPlayVoice', ...DOWNLOAD_ENDPOINTS].map((e) => [e, 4_000]));
    },
    graphql: ['CC_UNAVAILABLE'],
    download: () => ['503 CC_UNAVAILABLE'],
  },
  {
    name: 'HTTP 500 from the CC-FS and CC-Gateway until cleared',
    inject: (sim) => injectAll(sim, ['requestPlayVoice', ...DOWNLOAD_ENDPOINTS], { type: 'http', status: 500 }),
    graphql: ['CC_UNAVAILABLE'],
    download: () => ['502 CC_UNAVAILABLE'],
  },
  {
    name: 'HTTP 503 once on requestPlayVoice',
    inject: (sim) => injectAll(sim, ['requestPlayVoice'], { type: 'http', status: 503 }, 1),
    graphql: ['valid answer'],
    download: () => ok,
  },
  {
    name: 'connection reset before the first byte, until cleared',
    inject: (sim) => injectAll(sim, ['requestPlayVoice', ...DOWNLOAD_ENDPOINTS], { type: 'reset' }),
    graphql: ['CC_UNAVAILABLE'],
    download: () => ['503 CC_UNAVAILABLE'],
  },
  {
    name: 'connection reset once on requestPlayVoice',
    inject: (sim) => injectAll(sim, ['requestPlayVoice'], { type: 'reset' }, 1),
    graphql: ['valid answer'],
    download: () => ok,
  },
  {
    name: 'connection reset in the middle of every download (after 8 KiB)',
    inject: (sim) => injectAll(sim, DOWNLOAD_ENDPOINTS as SimEndpoint[], { type: 'truncate', afterBytes: 8_192 }),
    graphql: ['valid answer'],
    // A file shorter than the cut arrives whole; anything longer must end as a broken transfer.
    download: (link) => (link.expected.length <= 8_192 ? ok : ['broken transfer']),
  },
  {
    name: 'JSON errors on the download endpoints (0300011 on CC-FS, labelled octet-stream; 108-001 on the gateway)',
    inject: (sim) => {
      injectAll(sim, ['downloadRecord'], { type: 'resultCode', code: '0300011' });
      injectAll(sim, ['playVoice', ...GATEWAY_DOWNLOADS], { type: 'jsonAsBinary' });
    },
    graphql: ['valid answer'],
    download: (link) =>
      link.name.startsWith('downloadRecord') ? ['404 CC_FILE_NOT_FOUND'] : link.name.startsWith('playVoice') ? ['410 CC_PLAYBACK_TOKEN_EXPIRED'] : ['404', '502'],
  },
  {
    name: 'flow control (0300009 / 0300008; 000-007 on the gateway) until cleared',
    inject: (sim) => injectAll(sim, ['requestPlayVoice', ...DOWNLOAD_ENDPOINTS], { type: 'flowControl' }),
    graphql: ['CC_FLOW_CONTROL (0300009)'],
    download: (link) => (isGatewayLink(link) ? ['503 CC_FLOW_CONTROL', '502 CC_ERROR'] : ['503 CC_FLOW_CONTROL (0300008)', '503 CC_FLOW_CONTROL']),
  },
  {
    name: 'flow control once on requestPlayVoice and on each download',
    inject: (sim) => injectAll(sim, ['requestPlayVoice', 'downloadRecord', 'playVoice'], { type: 'flowControl' }, 1),
    graphql: ['valid answer'],
    download: () => ok,
  },
  {
    name: 'HTTP 401 from the CC-FS (signature refused) until cleared',
    inject: (sim) => injectAll(sim, ['requestPlayVoice', 'downloadRecord'], { type: 'http', status: 401 }),
    graphql: ['CC_UNAUTHORIZED'],
    download: (link) => (link.name.startsWith('downloadRecord') ? ['502 CC_UNAUTHORIZED'] : ok),
  },
  {
    name: 'the CC-FS never answers a download (hang) until cleared',
    inject: (sim) => injectAll(sim, ['downloadRecord'], { type: 'hang' }),
    graphql: ['valid answer'],
    download: (link) => (link.name.startsWith('downloadRecord') ? ['503 CC_UNAVAILABLE'] : ok),
  },
];

function matches(observation: Observation, allowed: string[]): boolean {
  return observation.problem === undefined && allowed.some((prefix) => observation.outcome.startsWith(prefix));
}

function note(kind: 'graphql' | 'download', observation: Observation, allowed: string[], context: string): void {
  figures.requests[kind === 'graphql' ? 'graphql' : 'downloads'] += 1;
  figures.bytes.verified += observation.verifiedBytes;
  count(figures, `${kind}:${observation.outcome.replace(/ retry-after \d+/, '')}`);
  if (observation.problem) figures.bytes.lostOrCorrupted += observation.problem.includes('bytes') ? 1 : 0;
  if (!matches(observation, allowed)) {
    figures.unexpected.push(`${context}: ${kind} saw "${observation.outcome}"${observation.problem ? ` (${observation.problem})` : ''}, expected ${allowed.join(' | ')}`);
  }
}

/** Everything works again: a new playback grant whose link streams the right bytes, and every old link. */
async function recovered(context: string, timeoutMs = 15_000): Promise<boolean> {
  return pollUntil(async () => {
    const fileName = freshRecording();
    const answer = await postGraphQL<{ recording: { playback: { url: string } | null } }>(agent, stack.server.graphqlUrl, PLAYBACK_QUERY, { f: fileName });
    figures.requests.graphql += 1;
    const url = answer.data?.recording.playback?.url;
    if (!url) return false;
    const fresh = judgeDownload(await download(agent, url), await stack.sim.fileBytes(fileName));
    figures.requests.downloads += 1;
    if (fresh.outcome !== '200 complete' || fresh.problem) {
      if (fresh.problem) figures.unexpected.push(`${context}: recovery download: ${fresh.problem}`);
      return false;
    }
    figures.bytes.verified += fresh.verifiedBytes;
    const observations = await Promise.all(links.map((link) => probeDownload(agent, link)));
    figures.requests.downloads += observations.length;
    for (const o of observations) {
      figures.bytes.verified += o.verifiedBytes;
      if (o.problem) figures.unexpected.push(`${context}: recovery download: ${o.problem}`);
    }
    return observations.every((o) => o.outcome === '200 complete' && !o.problem);
  }, timeoutMs, 250);
}

function summarize(observations: Array<{ link: MediaLinkUnderTest; observation: Observation }>): string {
  const byOutcome = new Map<string, string[]>();
  for (const { link, observation } of observations) {
    const key = observation.outcome.replace(/ retry-after \d+/, (m) => m);
    byOutcome.set(key, [...(byOutcome.get(key) ?? []), link.name]);
  }
  return [...byOutcome].map(([outcome, names]) => (byOutcome.size === 1 ? outcome : `${outcome} (${names.join(', ')})`)).join('; ');
}

function clearEverything(sim: Simulator): void {
  sim.clearFaults();
  sim.knobs.latencyMs = 0;
  sim.knobs.latencyByEndpoint = {};
}

describe('faults injected at the simulator', () => {
  beforeAll(async () => {
    stack = await startStack();
    // No keep-alive here: scenarios pause for seconds, and a reused socket that the server's 5 s
    // idle timeout is closing at that moment would show up as a reset that says nothing about faults.
    agent = new http.Agent({ keepAlive: false, maxSockets: 256 });
    links = await mintLinksUnderTest(stack, agent);
  });

  afterAll(async () => {
    figures.seconds = (Date.now() - started) / 1000;
    saveFigures(figures);
    agent?.destroy();
    await stack?.close();
  });

  test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    scenario.inject(stack.sim);
    const [graphql, downloads] = await Promise.all([
      probeGraphQL(stack, agent, freshRecording()),
      Promise.all(links.map(async (link) => ({ link, observation: await probeDownload(agent, link) }))),
    ]);
    note('graphql', graphql, scenario.graphql, scenario.name);
    for (const { link, observation } of downloads) note('download', observation, scenario.download(link), `${scenario.name} / ${link.name}`);
    clearEverything(stack.sim);
    const row: FaultRow = { fault: scenario.name, graphql: graphql.outcome, download: summarize(downloads), recovered: await recovered(scenario.name) };
    figures.faults = [...(figures.faults ?? []), row];

    expect(graphql.problem).toBeUndefined();
    expect(scenario.graphql.some((p) => graphql.outcome.startsWith(p))).toBe(true);
    for (const { link, observation } of downloads) {
      expect({ link: link.name, outcome: observation.outcome, problem: observation.problem }).toEqual({
        link: link.name,
        outcome: expect.stringMatching(new RegExp(`^(${scenario.download(link).map((p) => p.replace(/[()]/g, '\\$&')).join('|')})`)),
        problem: undefined,
      });
    }
    expect(row.recovered).toBe(true);
  });

  test('Guid expiry and a forced agent sign-out during a load of gateway downloads', async () => {
    const gatewayLinks = links.filter(isGatewayLink);
    const observations: Observation[] = [];
    let running = true;
    const worker = async (index: number): Promise<void> => {
      for (let i = index; running; i += 1) {
        const link = gatewayLinks[i % gatewayLinks.length]!;
        const observation = await probeDownload(agent, link);
        observations.push(observation);
        // Honest outcomes only: the whole file, or a clear error (never a short or wrong "success").
        note('download', observation, ['200 complete', '502', '503'], 'Guid expiry / sign-out under load');
      }
    };
    const workers = Array.from({ length: 8 }, (_, i) => worker(i));
    await new Promise((resolve) => setTimeout(resolve, 800));
    stack.sim.expireGuids();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    stack.sim.forceSignOut();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    running = false;
    await Promise.all(workers);
    const failed = observations.filter((o) => o.outcome !== '200 complete');
    const row: FaultRow = {
      fault: 'Guid expiry, then forced agent sign-out, during 8 concurrent gateway downloads',
      graphql: 'not affected (gateway fields mint links without an upstream call)',
      download: `${observations.length - failed.length} of ${observations.length} complete${failed.length ? `; ${summarize(failed.map((observation) => ({ link: gatewayLinks[0]!, observation })))}` : ''}`,
      recovered: await recovered('Guid expiry / sign-out'),
    };
    figures.faults = [...(figures.faults ?? []), row];
    expect(observations.length).toBeGreaterThan(8);
    expect(observations.filter((o) => o.problem)).toEqual([]);
    expect(row.recovered).toBe(true);
    expect(stack.sim.isSignedIn()).toBe(true);
  });

  test('the CC-FS and CC-Gateway go away and come back on the same address', async () => {
    const cachedRecording = stack.sim.samples.recordings[0]!;
    await stack.stopSimulator();
    const [graphql, downloads] = await Promise.all([
      probeGraphQL(stack, agent, freshRecording()),
      Promise.all(links.map(async (link) => ({ link, observation: await probeDownload(agent, link) }))),
    ]);
    note('graphql', graphql, ['CC_UNAVAILABLE'], 'CC platform down');
    for (const { link, observation } of downloads) note('download', observation, ['503 CC_UNAVAILABLE'], `CC platform down / ${link.name}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await stack.startSimulatorAgain();
    stack.sim.addFile('Y:/1/0/20261120/777/reliability-big.V3', { size: links.find((l) => l.name === 'downloadRecord (3 MiB)')!.expected.length, kind: 'bytes' });

    // Links minted before carry the old platform's playVoice tokens: a clear 410 (ask for a new link)
    // is honest; what matters is that a new link for the same recording streams again.
    const playVoiceLinks = links.filter((l) => l.name.startsWith('playVoice'));
    links = links.filter((l) => !l.name.startsWith('playVoice'));
    const back = await recovered('CC platform back', 20_000);
    const oldLinks = await Promise.all(playVoiceLinks.map((link) => probeDownload(agent, link)));
    for (const o of oldLinks) note('download', o, ['200 complete', '410 CC_PLAYBACK_TOKEN_EXPIRED'], 'playVoice link minted before the restart');
    const renewed = await postGraphQL<{ recording: { playback: { url: string } | null } }>(agent, stack.server.graphqlUrl, PLAYBACK_QUERY, { f: cachedRecording });
    figures.requests.graphql += 1;
    const renewedUrl = renewed.data?.recording.playback?.url;
    const renewedDownload = renewedUrl ? judgeDownload(await download(agent, renewedUrl), await stack.sim.fileBytes(cachedRecording)) : undefined;
    figures.requests.downloads += renewedDownload ? 1 : 0;
    const row: FaultRow = {
      fault: 'CC-FS and CC-Gateway go away (port closed), then come back on the same port with fresh state',
      graphql: graphql.outcome,
      download: `${summarize(downloads)}; after the restart, playVoice links minted before: ${oldLinks.map((o) => o.outcome).join(', ')}; a new Playback.url for a recording whose token was cached: ${renewedDownload?.outcome ?? 'no link'}`,
      recovered: back && renewedDownload?.outcome === '200 complete',
    };
    figures.faults = [...(figures.faults ?? []), row];

    expect(graphql.outcome).toBe('CC_UNAVAILABLE');
    for (const { observation } of downloads) expect(observation.outcome).toMatch(/^503 CC_UNAVAILABLE/);
    expect(oldLinks.filter((o) => o.problem)).toEqual([]);
    expect(back).toBe(true);
    expect(renewedDownload).toEqual({ outcome: '200 complete', verifiedBytes: expect.any(Number) });
    expect(await pollUntil(() => stack.sim.isSignedIn(), 10_000)).toBe(true);
  });

  test('nothing was unexpected', () => {
    expect(figures.unexpected).toEqual([]);
  });
});
