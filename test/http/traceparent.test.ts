/** W3C traceparent parsing, this server's child span, and its propagation on the CC calls made for a request. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { childTraceParent, formatTraceParent, parseTraceParent } from '../../src/http/traceparent.js';
import { eventually } from '../support/eventually.js';
import { onServer } from '../support/graphql-client.js';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceParent', () => {
  it.each([
    [`00-${TRACE}-${SPAN}-01`, { traceId: TRACE, parentId: SPAN, flags: '01' }],
    [` 00-${TRACE}-${SPAN}-00 `, { traceId: TRACE, parentId: SPAN, flags: '00' }],
    // A future version may carry more fields; the first four keep their meaning.
    [`01-${TRACE}-${SPAN}-01-extra`, { traceId: TRACE, parentId: SPAN, flags: '01' }],
  ])('reads %s', (header, expected) => {
    expect(parseTraceParent(header)).toEqual(expected);
  });

  it.each([
    undefined,
    '',
    ['a', 'b'],
    `00-${TRACE}-${SPAN}-01-extra`, // version 00 has exactly four fields
    `ff-${TRACE}-${SPAN}-01`, // version ff is invalid
    `00-${'0'.repeat(32)}-${SPAN}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `00-${TRACE.slice(1)}-${SPAN}-01`,
  ])('refuses %p', (header) => {
    expect(parseTraceParent(header)).toBeUndefined();
  });
});

describe('childTraceParent', () => {
  it("keeps the caller's trace id and flags with a new span id", () => {
    const child = childTraceParent({ traceId: TRACE, parentId: SPAN, flags: '01' });
    expect(child.traceId).toBe(TRACE);
    expect(child.flags).toBe('01');
    expect(child.parentId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.parentId).not.toBe(SPAN);
    expect(formatTraceParent(child)).toBe(`00-${TRACE}-${child.parentId}-01`);
  });

  it('starts a new valid trace without a caller trace', () => {
    const child = childTraceParent(undefined);
    expect(parseTraceParent(formatTraceParent(child))).toEqual(child);
    expect(childTraceParent(undefined).traceId).not.toBe(child.traceId);
  });
});

describe('traceparent on CC calls', () => {
  let h: Subgraph;
  const CALLER = `00-${TRACE}-${SPAN}-01`;
  beforeAll(async () => {
    // The service agent signs in on the first gateway call, from inside a request.
    h = await startSubgraph({ session: 'wired' });
  });
  afterAll(() => h.close());

  it("sends this server's span of the caller's trace on the CC calls of a GraphQL request and of the media route", async () => {
    const { conferenceId, recordId } = h.sim.samples.conference;
    const answer = await h.query(
      `{ recording(fileName: "${h.sim.samples.recordings[0]}") { playback { url } }
         videoRecording(conferenceId: "${conferenceId}", recordId: "${recordId}") { download { url } } }`,
      {},
      { traceparent: CALLER },
    );
    expect(answer.errors).toBeUndefined();
    const ours = answer.headers.get('traceparent');
    expect(parseTraceParent(ours ?? undefined)).toMatchObject({ traceId: TRACE, flags: '01' });
    expect(ours).not.toBe(CALLER);
    expect(h.sim.counters.lastTraceparent.requestPlayVoice).toBe(ours);

    // Each media request is a span of its own; its CC-FS call carries it.
    const links = answer.data as { recording: { playback: { url: string } }; videoRecording: { download: { url: string } } };
    const playback = await fetch(onServer(links.recording.playback.url, h.server.url), { headers: { traceparent: CALLER } });
    await playback.arrayBuffer();
    expect(playback.status).toBe(200);
    expect(h.sim.counters.lastTraceparent.playVoice).toBe(playback.headers.get('traceparent'));
    expect(parseTraceParent(h.sim.counters.lastTraceparent.playVoice)).toMatchObject({ traceId: TRACE });

    // The first gateway download signs the service agent in: both calls belong to that request.
    const video = await fetch(onServer(links.videoRecording.download.url, h.server.url), { headers: { traceparent: CALLER } });
    await video.arrayBuffer();
    expect(video.status).toBe(200);
    expect(h.sim.counters.lastTraceparent.videofiledownload).toBe(video.headers.get('traceparent'));
    expect(h.sim.counters.lastTraceparent.login).toBe(video.headers.get('traceparent'));
  });

  it("keeps the agent session's own event polls out of any request's trace", async () => {
    const polls = h.sim.counters.calls.agentevent;
    await eventually(() => h.sim.counters.calls.agentevent >= polls + 2);
    expect(h.sim.counters.lastTraceparent.agentevent).toBeUndefined();
  });
});
