/**
 * Batching: a query over 50 recordings costs exactly 50 requestPlayVoice calls (one per distinct
 * file), the same query again costs none (shared token cache), both spellings of a name cost one
 * call, and the simulator never sees more calls in flight than CC_MAX_CONCURRENCY.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';

const CAP = 4;
let h: Subgraph;

beforeAll(async () => {
  // Latency makes the calls overlap, so the cap is really exercised.
  h = await startSubgraph({ env: { CC_MAX_CONCURRENCY: String(CAP) }, simulator: { latencyMs: 15 } });
});

afterAll(async () => {
  await h?.close();
});

const QUERY = `query($f: [String!]!) { recordings(fileNames: $f) { fileName playback { token expiresAt url } download { fileName } } }`;

interface RecordingsData {
  recordings: Array<{ fileName: string; playback: { token: string; expiresAt: string; url: string } | null; download: { fileName: string } | null }>;
}

describe('N+1', () => {
  it('makes one upstream call per distinct file, then none, under the concurrency cap', async () => {
    const names = h.sim.samples.recordings.slice(0, 50);
    expect(names).toHaveLength(50);

    h.sim.resetCounters();
    const first = await h.query<RecordingsData>(QUERY, { f: names });
    expect(first.errors).toBeUndefined();
    expect(first.data?.recordings).toHaveLength(50);
    expect(first.data?.recordings.every((r, i) => r.fileName === names[i] && r.playback !== null && r.download !== null)).toBe(true);
    expect(h.sim.counters.calls.requestPlayVoice).toBe(50);
    expect(h.sim.counters.peakInFlight.requestPlayVoice).toBeGreaterThan(1);
    expect(h.sim.counters.peakInFlight.requestPlayVoice).toBeLessThanOrEqual(CAP);

    const tokens = new Set(first.data?.recordings.map((r) => r.playback?.token));
    expect(tokens.size).toBe(50);

    h.sim.resetCounters();
    const second = await h.query<RecordingsData>(QUERY, { f: names });
    expect(second.errors).toBeUndefined();
    expect(h.sim.counters.calls.requestPlayVoice).toBe(0);
    expect(second.data?.recordings.map((r) => r.playback?.token)).toEqual(first.data?.recordings.map((r) => r.playback?.token));
  });

  it('deduplicates both spellings of a name within a request and echoes each as given', async () => {
    const distinct = h.sim.samples.recordings.slice(50, 60);
    const given = distinct.flatMap((name) => [name, name.replace(/\//g, '\\'), name]);
    h.sim.resetCounters();
    const result = await h.query<RecordingsData>(QUERY, { f: given });
    expect(result.errors).toBeUndefined();
    expect(h.sim.counters.calls.requestPlayVoice).toBe(10);
    expect(result.data?.recordings.map((r) => r.fileName)).toEqual(given);
    for (let i = 0; i < given.length; i += 3) {
      const [a, b, c] = result.data?.recordings.slice(i, i + 3) ?? [];
      expect(a?.playback?.token).toBe(b?.playback?.token);
      expect(a?.playback?.token).toBe(c?.playback?.token);
    }
  });

  it('lets concurrent requests that miss the cache share one upstream call per file', async () => {
    const names = h.sim.samples.recordings.slice(60, 70);
    h.sim.resetCounters();
    const results = await Promise.all([1, 2, 3, 4].map(() => h.query<RecordingsData>(QUERY, { f: names })));
    for (const result of results) expect(result.errors).toBeUndefined();
    expect(h.sim.counters.calls.requestPlayVoice).toBe(10);
    const tokensOf = (r: (typeof results)[number]) => r.data?.recordings.map((rec) => rec.playback?.token);
    expect(new Set(results.map((r) => JSON.stringify(tokensOf(r)))).size).toBe(1);
  });

  it('records loader batch sizes and token cache outcomes', async () => {
    const text = await h.metrics.registry.metrics();
    expect(text).toMatch(/graphql_loader_batch_size_count\{loader="playback"\} [1-9]/);
    expect(text).toMatch(/playback_token_cache_total\{outcome="hit"\} [1-9]/);
    expect(text).toMatch(/playback_token_cache_total\{outcome="miss"\} [1-9]/);
  });
});
