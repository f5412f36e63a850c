/**
 * The subgraph over real HTTP against the simulator: every type through Query and through
 * `_entities`, links, the error contract (only the failing field is null), and the federation
 * surface (`_service { sdl }`, ftv1).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { onServer } from '../support/graphql-client.js';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';
import { callsTo } from '../support/simulator.js';

let h: Subgraph;
const UNKNOWN = 'Y:/1/0/20261120/101/9999999.V3';

beforeAll(async () => {
  h = await startSubgraph();
});

afterAll(async () => {
  await h?.close();
});

function toBackslashes(name: string): string {
  return name.replace(/\//g, '\\');
}

interface MediaLinkData {
  url: string;
  expiresAt: string;
  fileName: string;
}

describe('Recording', () => {
  it('gives a playback grant and a playable link that never outlives the token', async () => {
    const fileName = h.sim.samples.recordings[0] as string;
    const before = Date.now();
    const result = await h.query<{ recording: { fileName: string; playback: { token: string; expiresAt: string; url: string } } }>(
      `query($f: String!) { recording(fileName: $f) { fileName playback { token expiresAt url } } }`,
      { f: fileName },
    );
    expect(result.errors).toBeUndefined();
    const recording = result.data?.recording;
    expect(recording?.fileName).toBe(fileName);
    expect(recording?.playback.token).toMatch(/\S+/);
    const expiresAt = Date.parse(recording?.playback.expiresAt ?? '');
    expect(expiresAt).toBeGreaterThan(before + 25 * 60 * 1000);
    expect(recording?.playback.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const url = recording?.playback.url ?? '';
    expect(url.startsWith(`${h.config.publicBaseUrl}/`)).toBe(true);
    // The link reveals nothing of the recording.
    expect(url).not.toContain('.V3');
    expect(url).not.toContain(fileName.split('/').pop() as string);
    expect(url).not.toContain(recording?.playback.token ?? '#');

    const response = await fetch(onServer(url, h.server.url), { headers: { range: 'bytes=0-3' } });
    expect([200, 206]).toContain(response.status);
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('RIFF');
  });

  it('echoes a backslash name as given and downloads through a link that serves the exact bytes', async () => {
    const slashes = h.sim.samples.recordings[1] as string;
    const given = toBackslashes(slashes);
    const result = await h.query<{ recording: { fileName: string; download: MediaLinkData } }>(
      `query($f: String!) { recording(fileName: $f) { fileName download(expiresInSeconds: 120) { url expiresAt fileName } } }`,
      { f: given },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.recording.fileName).toBe(given);
    const link = result.data?.recording.download as MediaLinkData;
    expect(link.fileName).toBe(slashes.split('/').pop());
    const lifetime = Date.parse(link.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(60_000);
    expect(lifetime).toBeLessThanOrEqual(120_000);

    const response = await fetch(onServer(link.url, h.server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    expect(Buffer.from(await response.arrayBuffer()).equals(await h.sim.fileBytes(slashes))).toBe(true);
  });

  it('costs one requestPlayVoice for download + playback in one query, and none when the token is cached', async () => {
    const fileName = h.sim.samples.recordings[2] as string;
    h.sim.resetCounters();
    const query = `query($f: String!) { recording(fileName: $f) { playback { token } download { fileName } } }`;
    const first = await h.query(query, { f: fileName });
    expect(first.errors).toBeUndefined();
    expect(h.sim.counters.calls.requestPlayVoice).toBe(1);
    const again = await h.query(query, { f: toBackslashes(fileName) });
    expect(again.errors).toBeUndefined();
    expect(h.sim.counters.calls.requestPlayVoice).toBe(1);
  });

  it('verifies the file before minting a download link: an unknown file is CC_FILE_NOT_FOUND', async () => {
    h.sim.resetCounters();
    const result = await h.query(`query($f: String!) { recording(fileName: $f) { fileName download { url } } }`, { f: UNKNOWN });
    expect(result.data).toEqual({ recording: { fileName: UNKNOWN, download: null } });
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({ path: ['recording', 'download'], extensions: { code: 'CC_FILE_NOT_FOUND', ccResultCode: '0300011' } });
    expect(h.sim.counters.calls.downloadRecord).toBe(0);
  });

  it('nulls only the failing recording: siblings keep their data', async () => {
    const good = h.sim.samples.recordings[3] as string;
    const result = await h.query<{ recordings: Array<{ fileName: string; playback: { token: string } | null }> }>(
      `query($f: [String!]!) { recordings(fileNames: $f) { fileName playback { token } } }`,
      { f: [good, UNKNOWN, h.sim.samples.foreignRecording] },
    );
    const recordings = result.data?.recordings ?? [];
    expect(recordings.map((r) => r.fileName)).toEqual([good, UNKNOWN, h.sim.samples.foreignRecording]);
    expect(recordings[0]?.playback?.token).toMatch(/\S/);
    expect(recordings[1]?.playback).toBeNull();
    expect(recordings[2]?.playback).toBeNull();
    const byIndex = new Map(result.errors?.map((e) => [e.path?.[1], e.extensions]));
    expect(byIndex.get(1)).toMatchObject({ code: 'CC_FILE_NOT_FOUND', ccResultCode: '0300011' });
    expect(byIndex.get(2)).toMatchObject({ code: 'CC_UNAUTHORIZED' });
    expect(result.errors).toHaveLength(2);
  });

  it('does not cache a refusal across requests', async () => {
    const fileName = h.sim.samples.recordings[4] as string;
    h.sim.inject('requestPlayVoice', { type: 'resultCode', code: '0300011' }, { times: 1 });
    const refused = await h.query(`query($f: String!) { recording(fileName: $f) { playback { token } } }`, { f: fileName });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CC_FILE_NOT_FOUND');
    const granted = await h.query(`query($f: String!) { recording(fileName: $f) { playback { token } } }`, { f: fileName });
    expect(granted.errors).toBeUndefined();
  });

  it('maps flow control to CC_FLOW_CONTROL (retryable)', async () => {
    const fileName = h.sim.samples.recordings[5] as string;
    h.sim.inject('requestPlayVoice', { type: 'flowControl' }, { times: 1 });
    const result = await h.query(`query($f: String!) { recording(fileName: $f) { fileName playback { token } } }`, { f: fileName });
    expect(result.data).toEqual({ recording: { fileName, playback: null } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CC_FLOW_CONTROL', retryable: true });
    expect(['0300008', '0300009']).toContain(result.errors?.[0]?.extensions?.ccResultCode);
  });

  it('maps a platform 5xx to CC_UNAVAILABLE and an unknown result code to CC_ERROR', async () => {
    const fileName = h.sim.samples.recordings[6] as string;
    h.sim.inject('requestPlayVoice', { type: 'http', status: 503 }, { times: 1 });
    const unavailable = await h.query(`query($f: String!) { recording(fileName: $f) { playback { token } } }`, { f: fileName });
    expect(unavailable.errors?.[0]?.extensions?.code).toBe('CC_UNAVAILABLE');
    h.sim.inject('requestPlayVoice', { type: 'resultCode', code: '0300099' }, { times: 1 });
    const other = await h.query(`query($f: String!) { recording(fileName: $f) { playback { token } } }`, { f: fileName });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'CC_ERROR', ccResultCode: '0300099' });
  });

  it('never shows stack traces, tokens or links in errors', async () => {
    h.sim.inject('requestPlayVoice', { type: 'http', status: 500 }, { times: 1 });
    const result = await h.query(`query($f: String!) { recording(fileName: $f) { playback { token } } }`, { f: h.sim.samples.recordings[7] });
    const text = JSON.stringify(result.errors);
    expect(text).not.toMatch(/stacktrace|\bat .+\.ts:\d+|secret|auth-v2|Authorization/i);
    expect(text).not.toContain(h.sim.credentials.secretKey);
  });
});

describe('Call', () => {
  it('mints recording, gateway audio and gateway video links with useful file names', async () => {
    const { singleRecordingCallId, gatewayVideoCallId, gatewayVideoFileName } = h.sim.samples;
    h.sim.resetCounters();
    const result = await h.query<{ a: Record<string, MediaLinkData>; b: Record<string, MediaLinkData> }>(
      `query($a: ID!, $b: ID!, $hw: String!) {
        a: call(callId: $a) { callId recordingsDownload(ccId: "1") { url fileName expiresAt } gatewayRecording(workNo: "4977") { url fileName } }
        b: call(callId: $b) { gatewayVideo(hwFileName: $hw, expiresInSeconds: 60) { url fileName expiresAt } }
      }`,
      { a: singleRecordingCallId, b: gatewayVideoCallId, hw: gatewayVideoFileName },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.a.callId).toBe(singleRecordingCallId);
    expect(result.data?.a.recordingsDownload?.fileName).toBe(`${singleRecordingCallId}.wav`);
    expect(result.data?.a.gatewayRecording?.fileName).toBe(`${singleRecordingCallId}.wav`);
    expect(result.data?.b.gatewayVideo?.fileName).toBe(gatewayVideoFileName.split('/').pop());
    // Minting is free: nothing reaches the platform until a link is used.
    expect(callsTo(h.sim)).toBe(0);

    const audio = await fetch(onServer(result.data?.a.recordingsDownload?.url as string, h.server.url));
    expect(audio.status).toBe(200);
    expect(Buffer.from(await audio.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('RIFF');
  });

  it('names a multi-recording download by call id (the media route fixes the extension)', async () => {
    const callId = h.sim.samples.multiRecordingCallId;
    const result = await h.query<{ call: { recordingsDownload: MediaLinkData } }>(`query($c: ID!) { call(callId: $c) { recordingsDownload { url fileName } } }`, { c: callId });
    expect(result.data?.call.recordingsDownload.fileName).toBe(`${callId}.wav`);
    const response = await fetch(onServer(result.data?.call.recordingsDownload.url as string, h.server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('.zip');
    await response.arrayBuffer();
  });
});

describe('VideoRecording', () => {
  it('mints a link per quality', async () => {
    const { conferenceId, recordId } = h.sim.samples.conference;
    const result = await h.query<{ videoRecording: { conferenceId: string; recordId: string; hd: MediaLinkData; sd: MediaLinkData; aux: MediaLinkData } }>(
      `query($c: ID!, $r: ID!) { videoRecording(conferenceId: $c, recordId: $r) {
        conferenceId recordId hd: download { url fileName } sd: download(quality: SD) { url fileName } aux: download(quality: AUX) { url fileName } } }`,
      { c: conferenceId, r: recordId },
    );
    expect(result.errors).toBeUndefined();
    const video = result.data?.videoRecording;
    expect(video?.conferenceId).toBe(conferenceId);
    expect(video?.hd.fileName).toBe(`${conferenceId}-${recordId}-hd.mp4`);
    expect(video?.sd.fileName).toBe(`${conferenceId}-${recordId}-sd.mp4`);
    expect(video?.aux.fileName).toBe(`${conferenceId}-${recordId}-aux.mp4`);
    expect(new Set([video?.hd.url, video?.sd.url, video?.aux.url]).size).toBe(3);

    const sd = await fetch(onServer(video?.sd.url as string, h.server.url));
    expect(sd.status).toBe(200);
    const hd = await fetch(onServer(video?.hd.url as string, h.server.url));
    expect(hd.status).toBe(200);
    const [sdBytes, hdBytes] = await Promise.all([sd.arrayBuffer(), hd.arrayBuffer()]);
    expect(Buffer.from(sdBytes).equals(Buffer.from(hdBytes))).toBe(false);
  });
});

describe('AgentOperationIndex', () => {
  it('reads date and responseId from the name and mints a download link', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[0] as string;
    const result = await h.query<{ agentOperationIndex: { fileName: string; date: string; responseId: string; download: MediaLinkData } }>(
      `query($f: String!) { agentOperationIndex(fileName: $f) { fileName date responseId download { url fileName } } }`,
      { f: fileName },
    );
    expect(result.errors).toBeUndefined();
    const [, y, m, d, responseId] = /^(\d{4})(\d{2})(\d{2})_(.+)\.zip$/.exec(fileName) as RegExpExecArray;
    expect(result.data?.agentOperationIndex).toMatchObject({ fileName, date: `${y}-${m}-${d}`, responseId, download: { fileName } });
    const zip = await fetch(onServer(result.data?.agentOperationIndex.download.url as string, h.server.url));
    expect(zip.status).toBe(200);
    expect(Buffer.from(await zip.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('gives CC_FILE_NOT_FOUND for operations of an index the platform does not have', async () => {
    // operations is non-null (AgentOperationPage!), so the null reaches the nearest nullable parent.
    const result = await h.query(`{ agentOperationIndex(fileName: "20261120_ffffffffffffffffffffffffffffffff.zip") { date operations { totalCount } } }`);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({ path: ['agentOperationIndex', 'operations'], extensions: { code: 'CC_FILE_NOT_FOUND' } });
  });
});

describe('federation surface', () => {
  it('publishes the SDL with its @key directives and the federation @link', async () => {
    const result = await h.query<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const sdl = result.data?._service.sdl ?? '';
    expect(sdl).toMatch(/@link\(\s*url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.14"/);
    expect(sdl).toMatch(/type Call\s+@key\(fields: "callId"\)/);
    expect(sdl).toMatch(/type Recording\s+@key\(fields: "fileName"\)/);
    expect(sdl).toMatch(/type VideoRecording\s+@key\(fields: "conferenceId recordId"\)/);
    expect(sdl).toMatch(/type AgentOperationIndex\s+@key\(fields: "fileName"\)/);
  });

  it('resolves every entity through _entities', async () => {
    const { recordings, singleRecordingCallId, conference, agentOperationIndexes } = h.sim.samples;
    const result = await h.query<{ _entities: Array<Record<string, unknown> | null> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        __typename
        ... on Recording { fileName playback { token } }
        ... on Call { callId recordingsDownload { fileName } }
        ... on VideoRecording { recordId download(quality: SD) { fileName } }
        ... on AgentOperationIndex { date operations(first: 1) { totalCount } }
      } }`,
      {
        r: [
          { __typename: 'Recording', fileName: recordings[8] },
          { __typename: 'Call', callId: singleRecordingCallId },
          { __typename: 'VideoRecording', ...conference },
          { __typename: 'AgentOperationIndex', fileName: agentOperationIndexes[0] },
          { __typename: 'Recording', fileName: '' },
        ],
      },
    );
    const [recording, call, video, index, bad] = result.data?._entities ?? [];
    expect(recording).toMatchObject({ __typename: 'Recording', fileName: recordings[8] });
    expect((recording?.playback as { token: string }).token).toMatch(/\S/);
    expect(call).toMatchObject({ callId: singleRecordingCallId, recordingsDownload: { fileName: `${singleRecordingCallId}.wav` } });
    expect(video).toMatchObject({ recordId: conference.recordId, download: { fileName: `${conference.conferenceId}-${conference.recordId}-sd.mp4` } });
    expect((index?.operations as { totalCount: number }).totalCount).toBeGreaterThan(0);
    expect(bad).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('returns an inline trace when the router asks for one', async () => {
    const traced = await h.query('{ call(callId: "1-1") { callId } }', undefined, { 'apollo-federation-include-trace': 'ftv1' });
    expect(typeof traced.extensions?.ftv1).toBe('string');
    const plain = await h.query('{ call(callId: "1-1") { callId } }');
    expect(plain.extensions?.ftv1).toBeUndefined();
  });

  it('keeps CSRF prevention on: a simple GET without a preflight header is refused', async () => {
    const response = await fetch(`${h.server.graphqlUrl}?query=${encodeURIComponent('{ call(callId: "1") { callId } }')}`);
    expect(response.status).toBe(400);
    const allowed = await fetch(`${h.server.graphqlUrl}?query=${encodeURIComponent('{ call(callId: "1") { callId } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(allowed.status).toBe(200);
  });

  it('serves the Sandbox landing page to browsers outside production', async () => {
    const response = await fetch(h.server.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/sandbox/i);
  });
});
