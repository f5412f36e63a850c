/**
 * A CC-FS that forgets its playback tokens (restart, fail-over) while this subgraph still caches
 * them: a Playback.url then renews its token once and plays, and the cache holds the fresh token,
 * instead of 410 for the 25 minutes the stale token would otherwise be reused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { onServer } from '../support/graphql-client.js';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';

let h: Subgraph;

beforeAll(async () => {
  // The platform honours a token for 300 ms; the client, which is told no expiry, assumes 30 minutes.
  h = await startSubgraph({ simulator: { tokenTtlMs: 300 } });
});

afterAll(async () => {
  await h?.close();
});

const QUERY = `query($f: String!) { recording(fileName: $f) { playback { token url } } }`;
interface PlaybackData {
  recording: { playback: { token: string; url: string } | null };
}

describe('playback token renewal', () => {
  it('plays a link whose cached token the platform forgot, and caches the fresh token', async () => {
    const fileName = h.sim.samples.recordings[3]!;
    const first = await h.query<PlaybackData>(QUERY, { f: fileName });
    const stale = first.data?.recording.playback?.token;
    expect(stale).toMatch(/^[0-9A-F]{32}$/);
    await sleep(500);

    h.sim.resetCounters();
    const second = await h.query<PlaybackData>(QUERY, { f: fileName });
    expect(second.data?.recording.playback?.token).toBe(stale); // still cached: no upstream call
    expect(h.sim.counters.calls.requestPlayVoice).toBe(0);

    const response = await fetch(onServer(second.data!.recording.playback!.url, h.server.url));
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(await h.sim.fileBytes(fileName))).toBe(true);
    expect(h.sim.counters.calls.requestPlayVoice).toBe(1);

    const third = await h.query<PlaybackData>(QUERY, { f: fileName });
    const fresh = third.data?.recording.playback?.token;
    expect(fresh).toMatch(/^[0-9A-F]{32}$/);
    expect(fresh).not.toBe(stale);
    expect(h.sim.counters.calls.requestPlayVoice).toBe(1);
  });

  it('still answers 410 when the renewed token is refused too', async () => {
    const fileName = h.sim.samples.recordings[4]!;
    const first = await h.query<PlaybackData>(QUERY, { f: fileName });
    await sleep(500);
    h.sim.inject('playVoice', { type: 'jsonAsBinary', code: '010107' }, { times: 2 });
    const response = await fetch(onServer(first.data!.recording.playback!.url, h.server.url));
    expect(response.status).toBe(410);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CC_PLAYBACK_TOKEN_EXPIRED');
    h.sim.clearFaults();
  });
});
