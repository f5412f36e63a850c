/**
 * The media route over real HTTP: the real CC clients against the real simulator (README, The media route;
 * issue 4 "Done when").
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import contentDisposition from 'content-disposition';
import { createLinkCodec } from '../../src/media/index.js';
import type { LinkTarget } from '../../src/media/link-target.js';
import type { StreamClosedEvent } from '../../src/simulator/types.js';
import { newMediaLinkKey } from '../support/env.js';
import { errorOf, nextEvent, startMediaHarness, type MediaHarness } from './media-harness.js';

const sha256 = (bytes: Buffer | ArrayBuffer) => createHash('sha256').update(Buffer.from(bytes as ArrayBuffer)).digest('hex');
const RANGE_FILE = 'Y:/9/0/20260101/100/range-test.V3';
const RANGE_FILE_SIZE = 20_000;
const BIG_FILE = 'Y:/9/0/20260101/100/big.V3';

let h: MediaHarness;
let rangeFileBytes: Buffer;
const oldKey = newMediaLinkKey('old');

beforeAll(async () => {
  h = await startMediaHarness({ keys: [newMediaLinkKey('new'), oldKey] });
  h.sim.addFile(RANGE_FILE, { size: RANGE_FILE_SIZE, kind: 'wav' });
  h.sim.addFile(BIG_FILE, { size: 200 * 1024 * 1024, kind: 'bytes' });
  rangeFileBytes = await h.sim.fileBytes(RANGE_FILE);
});

afterAll(async () => {
  await h.close();
});

function recordingLink(fileName: string, disposition: 'inline' | 'attachment' = 'attachment'): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  return h.mint({ target: { kind: 'downloadRecord', fileName }, disposition, fileName: base });
}

function link(target: LinkTarget, fileName: string, disposition: 'inline' | 'attachment' = 'attachment'): string {
  return h.mint({ target, disposition, fileName });
}

function tokenOf(url: string): string {
  return url.slice(`${h.url}/media/`.length);
}

/** Calls of the file interfaces (the agent session polls the gateway in the background). */
function totalCalls(): number {
  const { calls } = h.sim.counters;
  return calls.playVoice + calls.downloadRecord + calls.downloadAgentOprInfoFile + calls.recordfiledownloadEx + calls.videofiledownload;
}

describe('200: the bytes, byte-exact, with the right headers', () => {
  it('streams a recording as an attachment, identical to the simulator\'s bytes', async () => {
    const fileName = h.sim.samples.recordings[0]!;
    const response = await fetch(recordingLink(fileName));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const expected = await h.sim.fileBytes(fileName);
    expect(response.headers.get('content-length')).toBe(String(expected.length));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const disposition = contentDisposition.parse(response.headers.get('content-disposition')!);
    expect(disposition.type).toBe('attachment');
    expect(disposition.parameters.filename).toBe(fileName.slice(fileName.lastIndexOf('/') + 1));
    expect(sha256(await response.arrayBuffer())).toBe(sha256(expected));
  });

  it('plays a recording through playVoice inline with a CC token from requestPlayVoice', async () => {
    const fileName = h.sim.samples.recordings[1]!;
    const grant = await h.clients.ccfs.requestPlayVoice(fileName);
    const url = h.mint({
      target: { kind: 'playVoice', token: grant.token, fileName },
      disposition: 'inline',
      fileName: '2022318.V3',
      notAfter: grant.expiresAt,
    });
    expect(url).not.toContain(grant.token);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="2022318.V3"');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.readUInt16LE(20)).toBe(6); // G.711 A-law, served as is (Chromium plays it; see browser.test.ts)
    expect(sha256(body)).toBe(sha256(await h.sim.fileBytes(fileName)));
  });

  it('streams an MCU video (videofiledownload) as video/mp4, identical to what the gateway sends', async () => {
    const { conferenceId, recordId } = h.sim.samples.conference;
    const target = { kind: 'videoFileDownload', conferenceId, recordId, fileType: 0 } as const;
    const response = await fetch(link(target, 'conference.mp4'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    const direct = await h.clients.gateway!.videoFileDownload({ conferenceId, recordId, fileType: 0 });
    const chunks: Buffer[] = [];
    for await (const chunk of direct.stream as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBeGreaterThan(1000);
    expect(sha256(body)).toBe(sha256(Buffer.concat(chunks)));
  });

  it('streams a VoiceCyber video (recordfiledownloadEx with hwFileName)', async () => {
    const target = { kind: 'recordFileDownloadEx', callId: h.sim.samples.gatewayVideoCallId, hwFileName: h.sim.samples.gatewayVideoFileName } as const;
    const response = await fetch(link(target, '1642329.mp4'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect((await response.arrayBuffer()).byteLength).toBe(Number(response.headers.get('content-length')));
  });

  it('streams an agent operation index as application/zip', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[0]!;
    const response = await fetch(link({ kind: 'agentOprInfoFile', fileName }, fileName));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe(true);
  });

  it('names the real extension of a downloadRecord by callId: .zip for several recordings, .wav for one', async () => {
    const multi = h.sim.samples.multiRecordingCallId;
    const zip = await fetch(link({ kind: 'downloadRecord', callId: multi }, `${multi}.wav`));
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(contentDisposition.parse(zip.headers.get('content-disposition')!).parameters.filename).toBe(`${multi}.zip`);
    await zip.arrayBuffer();

    const single = h.sim.samples.singleRecordingCallId;
    const wav = await fetch(link({ kind: 'downloadRecord', callId: single }, `${single}.wav`));
    expect(wav.headers.get('content-type')).toBe('audio/wav');
    expect(contentDisposition.parse(wav.headers.get('content-disposition')!).parameters.filename).toBe(`${single}.wav`);
    await wav.arrayBuffer();
  });
});

describe.each([true, false])('Range with the platform honouring Range: %s', (honourRange) => {
  const cases: Array<[string, string, number, number]> = [
    ['first byte', 'bytes=0-0', 0, 0],
    ['last byte', `bytes=${RANGE_FILE_SIZE - 1}-${RANGE_FILE_SIZE - 1}`, RANGE_FILE_SIZE - 1, RANGE_FILE_SIZE - 1],
    ['middle', 'bytes=1000-4999', 1000, 4999],
    ['suffix', 'bytes=-500', RANGE_FILE_SIZE - 500, RANGE_FILE_SIZE - 1],
    ['suffix longer than the file', `bytes=-${RANGE_FILE_SIZE * 2}`, 0, RANGE_FILE_SIZE - 1],
    ['open', 'bytes=12345-', 12345, RANGE_FILE_SIZE - 1],
    ['end beyond the file', `bytes=19000-${RANGE_FILE_SIZE * 5}`, 19000, RANGE_FILE_SIZE - 1],
  ];

  it.each(cases)('%s → 206 with the exact bytes', async (_name, range, start, end) => {
    h.sim.knobs.honourRange = honourRange;
    const upstream = nextEvent<StreamClosedEvent>(h.sim.events, 'streamClosed', 5000, (e) => e.endpoint === 'downloadRecord');
    const response = await fetch(recordingLink(RANGE_FILE), { headers: { Range: range } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${RANGE_FILE_SIZE}`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(rangeFileBytes.subarray(start, end + 1))).toBe(true);
    // Which path served it: the platform's 206, or our own slicing of its 200.
    const closed = await upstream;
    const platformSlices = honourRange && !range.startsWith(`bytes=-${RANGE_FILE_SIZE * 2}`);
    expect(closed.status).toBe(platformSlices ? 206 : 200);
  });

  it('beyond the end → 416 with Content-Range: bytes */size', async () => {
    h.sim.knobs.honourRange = honourRange;
    for (const range of [`bytes=${RANGE_FILE_SIZE}-`, `bytes=${RANGE_FILE_SIZE + 10}-${RANGE_FILE_SIZE + 20}`]) {
      const response = await fetch(recordingLink(RANGE_FILE), { headers: { Range: range } });
      expect(response.status).toBe(416);
      expect(response.headers.get('content-range')).toBe(`bytes */${RANGE_FILE_SIZE}`);
      expect((await errorOf(response)).code).toBe('RANGE_NOT_SATISFIABLE');
    }
  });

  it('several ranges → 200 with the whole file; a malformed Range is ignored', async () => {
    h.sim.knobs.honourRange = honourRange;
    for (const range of ['bytes=0-9,100-199', 'bytes=0-9, 50-', 'bytes=abc', 'bytes=500-100', 'lines=1-2']) {
      const response = await fetch(recordingLink(RANGE_FILE), { headers: { Range: range } });
      expect([range, response.status]).toEqual([range, 200]);
      expect(response.headers.get('content-range')).toBeNull();
      expect(sha256(await response.arrayBuffer())).toBe(sha256(rangeFileBytes));
    }
  });

  it('a range of a big file stops reading the upstream once the range is served', async () => {
    h.sim.knobs.honourRange = honourRange;
    const upstream = nextEvent<StreamClosedEvent>(h.sim.events, 'streamClosed', 5000, (e) => e.endpoint === 'downloadRecord');
    const response = await fetch(recordingLink(BIG_FILE), { headers: { Range: 'bytes=100-199' } });
    expect(response.status).toBe(206);
    expect((await response.arrayBuffer()).byteLength).toBe(100);
    const closed = await upstream;
    expect(closed.bytesSent).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('HEAD', () => {
  it('answers the GET headers without a body', async () => {
    h.sim.knobs.honourRange = true;
    const url = recordingLink(RANGE_FILE);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(RANGE_FILE_SIZE));
    expect(head.headers.get('content-type')).toBe('audio/wav');
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect(head.headers.get('content-disposition')).toBe('attachment; filename="range-test.V3"');
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const ranged = await fetch(url, { method: 'HEAD', headers: { Range: 'bytes=-10' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes ${RANGE_FILE_SIZE - 10}-${RANGE_FILE_SIZE - 1}/${RANGE_FILE_SIZE}`);
    expect(ranged.headers.get('content-length')).toBe('10');
  });

  it('does not download a big file to answer', async () => {
    const upstream = nextEvent<StreamClosedEvent>(h.sim.events, 'streamClosed', 5000, (e) => e.endpoint === 'downloadRecord');
    const head = await fetch(recordingLink(BIG_FILE), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(200 * 1024 * 1024));
    const closed = await upstream;
    expect(closed.completed).toBe(false);
    expect(closed.bytesSent).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses an invalid link like GET', async () => {
    const head = await fetch(`${h.url}/media/AAAA`, { method: 'HEAD' });
    expect(head.status).toBe(403);
  });
});

describe('links: 403 and 410 before any upstream call', () => {
  it('answers 403 for every single-character alteration of a token, without calling the platform', async () => {
    const url = recordingLink(RANGE_FILE);
    const token = tokenOf(url);
    const before = totalCalls();
    const statuses = new Map<number, number>();
    const replacements = ['A', '_'];
    for (let i = 0; i < token.length; i += 1) {
      const altered = replacements
        .filter((r) => r !== token[i])
        .slice(0, 2)
        .map((r) => token.slice(0, i) + r + token.slice(i + 1));
      if (altered.length < 2) altered.push(token.slice(0, i) + 'z' + token.slice(i + 1));
      const responses = await Promise.all(altered.map((t) => fetch(`${h.url}/media/${t}`)));
      for (const response of responses) {
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const error = await errorOf(response);
        expect(error.code).toBe('MEDIA_LINK_INVALID');
      }
    }
    expect([...statuses.keys()]).toEqual([403]);
    expect(statuses.get(403)).toBe(token.length * 2);
    expect(totalCalls()).toBe(before);
    // The original still works.
    const original = await fetch(url);
    expect(original.status).toBe(200);
    await original.arrayBuffer();
  });

  it('answers 403 for truncated, extended, percent-garbled and missing tokens', async () => {
    const token = tokenOf(recordingLink(RANGE_FILE));
    for (const bad of [token.slice(0, -1), `${token}A`, token.slice(0, 10), '%E0%A4%A', '%', 'a/b', '', `${token}/x`]) {
      const response = await fetch(`${h.url}/media/${bad}`);
      expect([bad.length, response.status]).toEqual([bad.length, 403]);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('answers 410 once the link expired', async () => {
    const url = h.mint({ target: { kind: 'downloadRecord', fileName: RANGE_FILE }, disposition: 'attachment', fileName: 'x.V3', ttlSeconds: 60 });
    const fresh = await fetch(url, { method: 'HEAD' });
    expect(fresh.status).toBe(200);
    const before = totalCalls();
    h.advanceClock(61_000);
    try {
      const expired = await fetch(url);
      expect(expired.status).toBe(410);
      expect((await errorOf(expired)).code).toBe('MEDIA_LINK_EXPIRED');
      expect(totalCalls()).toBe(before);
    } finally {
      h.advanceClock(-61_000);
    }
  });

  it('verifies links signed with an older key and refuses an unknown kid', async () => {
    const previous = createLinkCodec({ keys: [oldKey], publicBaseUrl: h.url });
    const oldLink = previous.mint({ target: { kind: 'downloadRecord', fileName: RANGE_FILE }, disposition: 'attachment', fileName: 'x.V3', ttlSeconds: 60 }).url;
    const ok = await fetch(oldLink);
    expect(ok.status).toBe(200);
    expect(sha256(await ok.arrayBuffer())).toBe(sha256(rangeFileBytes));

    const stranger = createLinkCodec({ keys: [newMediaLinkKey('k3')], publicBaseUrl: h.url });
    const unknown = stranger.mint({ target: { kind: 'downloadRecord', fileName: RANGE_FILE }, disposition: 'attachment', fileName: 'x.V3', ttlSeconds: 60 }).url;
    expect((await fetch(unknown)).status).toBe(403);

    // Same kid as the server's signing key, different key material: forged.
    const forger = createLinkCodec({ keys: [newMediaLinkKey('new')], publicBaseUrl: h.url });
    const forged = forger.mint({ target: { kind: 'downloadRecord', fileName: RANGE_FILE }, disposition: 'attachment', fileName: 'x.V3', ttlSeconds: 60 }).url;
    expect((await fetch(forged)).status).toBe(403);
  });
});

describe('platform failures before the first byte → JSON errors', () => {
  it('404 for a file or call the platform does not know', async () => {
    for (const url of [
      recordingLink('Y:/9/0/20260101/100/missing.V3'),
      link({ kind: 'downloadRecord', callId: h.sim.samples.unknownCallId }, 'call.wav'),
    ]) {
      const response = await fetch(url);
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toMatchObject({ code: 'CC_FILE_NOT_FOUND' });
    }
  });

  it('502 when the platform fails (HTTP 500), refuses us (401) or answers another result code', async () => {
    const url = recordingLink(RANGE_FILE);
    h.sim.inject('downloadRecord', { type: 'http', status: 500 }, { times: 1 });
    const failed = await fetch(url);
    expect(failed.status).toBe(502);
    expect((await errorOf(failed)).code).toBe('CC_UNAVAILABLE');

    h.sim.inject('downloadRecord', { type: 'http', status: 401 }, { times: 1 });
    const refused = await fetch(url);
    expect(refused.status).toBe(502);
    expect((await errorOf(refused)).code).toBe('CC_UNAUTHORIZED');

    h.sim.inject('downloadRecord', { type: 'resultCode', code: '0300099' }, { times: 1 });
    const other = await fetch(url);
    expect(other.status).toBe(502);
    expect((await errorOf(other)).code).toBe('CC_ERROR');
  });

  it('never a 200 whose body is a CC JSON error labelled as binary', async () => {
    const fileName = h.sim.samples.recordings[0]!;
    const grant = await h.clients.ccfs.requestPlayVoice(fileName);
    const url = link({ kind: 'playVoice', token: grant.token, fileName }, 'a.V3', 'inline');
    h.sim.inject('playVoice', { type: 'jsonAsBinary', code: '0300011' }, { times: 1 });
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('410 when the CC token inside a playback link is no longer accepted', async () => {
    const url = link({ kind: 'playVoice', token: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF', fileName: 'x' }, 'a.V3', 'inline');
    const response = await fetch(url);
    expect(response.status).toBe(410);
    expect((await errorOf(response)).code).toBe('CC_PLAYBACK_TOKEN_EXPIRED');
  });

  it('503 with Retry-After under flow control', async () => {
    h.sim.inject('downloadRecord', { type: 'flowControl' }, { times: 1 });
    const response = await fetch(recordingLink(RANGE_FILE));
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await errorOf(response)).code).toBe('CC_FLOW_CONTROL');
  });

  it('503 with Retry-After when the platform cannot be reached', async () => {
    // Both attempts are reset (a reused connection that fails is sent once more on a new one).
    h.sim.inject('videofiledownload', { type: 'reset' }, { times: 2 });
    try {
      const { conferenceId, recordId } = h.sim.samples.conference;
      const response = await fetch(link({ kind: 'videoFileDownload', conferenceId, recordId, fileType: 1 }, 'v.mp4'));
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await errorOf(response)).code).toBe('CC_UNAVAILABLE');
    } finally {
      h.sim.clearFaults();
    }
  });
});

describe('failures after the first byte and clients that leave', () => {
  it('a truncated upstream is a broken transfer for the client, never a complete-looking file', async () => {
    h.sim.knobs.honourRange = true;
    h.sim.inject('downloadRecord', { type: 'truncate', afterBytes: 5000 }, { times: 1 });
    const response = await fetch(recordingLink(RANGE_FILE));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(RANGE_FILE_SIZE));
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('a truncated upstream under a range we slice ourselves is a failure too', async () => {
    h.sim.knobs.honourRange = false;
    h.sim.inject('downloadRecord', { type: 'truncate', afterBytes: 15_000 }, { times: 1 });
    const outcome = fetch(recordingLink(RANGE_FILE), { headers: { Range: 'bytes=10000-' } }).then((r) => r.arrayBuffer());
    await expect(outcome).rejects.toThrow();
    h.sim.knobs.honourRange = true;
  });

  it('a client that leaves makes the simulator see its stream closed within 1 second', async () => {
    const abort = new AbortController();
    const response = await fetch(recordingLink(BIG_FILE), { signal: abort.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.value?.length).toBeGreaterThan(0);
    const closed = nextEvent<StreamClosedEvent>(h.sim.events, 'streamClosed', 1000, (e) => e.endpoint === 'downloadRecord');
    abort.abort();
    const event = await closed;
    expect(event.completed).toBe(false);
    expect(event.bytesSent).toBeLessThan(200 * 1024 * 1024);
    await reader.cancel().catch(() => undefined);
  });
});

describe('audit and metrics', () => {
  it('logs one media.access event per use, never the token, the URL, the CC token or a file name', async () => {
    const fileName = h.sim.samples.recordings[2] ?? h.sim.samples.recordings[0]!;
    const grant = await h.clients.ccfs.requestPlayVoice(fileName);
    const url = h.mint({ target: { kind: 'playVoice', token: grant.token, fileName }, disposition: 'inline', fileName: 'p.V3', subject: 'alice' });
    const linkId = h.codec.verify(tokenOf(url)).linkId;
    const linesBefore = h.logLines.length;
    await (await fetch(url)).arrayBuffer();
    await (await fetch(url, { headers: { Range: 'bytes=0-99' } })).arrayBuffer();
    await (await fetch(`${url}x`)).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const events = h.logLines
      .slice(linesBefore)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((e) => e.event === 'media.access');
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ action: 'play', linkId, kid: 'new', status: 200, completed: true, subject: 'alice', target: 'playVoice' });
    expect(events[0]!.bytesSent).toBeGreaterThan(1000);
    expect(typeof events[0]!.durationMs).toBe('number');
    expect(events[1]).toMatchObject({ action: 'range', linkId, status: 206, bytesSent: 100 });
    expect(events[2]).toMatchObject({ status: 403, error: 'MEDIA_LINK_INVALID' });
    expect(events[2]!.linkId).toBeUndefined();
    const everything = h.logLines.join('\n');
    expect(everything).not.toContain(tokenOf(url));
    expect(everything).not.toContain(grant.token);
    expect(everything).not.toContain(fileName);
    expect(everything).not.toContain('/media/');
    for (const key of h.keys) expect(everything).not.toContain(key.key.toString('base64'));
  });

  it('names the cause of a CC_UNAVAILABLE in its audit event, without the file name', async () => {
    h.sim.inject('downloadRecord', { type: 'reset' }, { times: 2 });
    try {
      const linesBefore = h.logLines.length;
      const response = await fetch(recordingLink(RANGE_FILE));
      expect(response.status).toBe(503);
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const event = h.logLines
        .slice(linesBefore)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((e) => e.event === 'media.access');
      expect(event).toMatchObject({ status: 503, error: 'CC_UNAVAILABLE', cause: 'CC-FS unavailable ECONNRESET' });
      expect(h.logLines.slice(linesBefore).join('\n')).not.toContain(RANGE_FILE);
    } finally {
      h.sim.clearFaults();
    }
  });

  it('counts bytes per link kind and rejections per reason, and has no stream left open', async () => {
    const bytes = await h.metrics.bytesStreamed.get();
    const downloadRecordBytes = bytes.values.find((v) => v.labels.kind === 'downloadRecord')?.value ?? 0;
    expect(downloadRecordBytes).toBeGreaterThan(RANGE_FILE_SIZE);
    const rejections = await h.metrics.linkRejections.get();
    expect(rejections.values.find((v) => v.labels.reason === 'invalid')?.value).toBeGreaterThan(10);
    expect(rejections.values.find((v) => v.labels.reason === 'expired')?.value).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await h.metrics.activeStreams.get()).values[0]?.value).toBe(0);
  });
});

describe('without a CC-Gateway', () => {
  let bare: MediaHarness;
  beforeAll(async () => {
    bare = await startMediaHarness({ withGateway: false });
  });
  afterAll(async () => {
    await bare.close();
  });

  it('answers gateway links with 503 CC_GATEWAY_NOT_CONFIGURED and still serves CC-FS links', async () => {
    const { conferenceId, recordId } = bare.sim.samples.conference;
    const video = await fetch(bare.mint({ target: { kind: 'videoFileDownload', conferenceId, recordId, fileType: 0 }, disposition: 'attachment', fileName: 'v.mp4' }));
    expect(video.status).toBe(503);
    expect((await errorOf(video)).code).toBe('CC_GATEWAY_NOT_CONFIGURED');
    const voiceCyber = await fetch(bare.mint({ target: { kind: 'recordFileDownloadEx', callId: '1' }, disposition: 'attachment', fileName: 'v.wav' }));
    expect(voiceCyber.status).toBe(503);
    const recording = await fetch(bare.mint({ target: { kind: 'downloadRecord', fileName: bare.sim.samples.recordings[0]! }, disposition: 'attachment', fileName: 'r.V3' }));
    expect(recording.status).toBe(200);
    await recording.arrayBuffer();
  });
});
