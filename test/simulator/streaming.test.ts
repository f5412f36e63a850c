import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { startSimulator, syntheticBytes, type Simulator, type StreamClosedEvent } from '../../src/simulator/simulator.js';
import { ccfsPost, playVoiceUrl, requestToken, wavFormat } from './helpers.js';

const BIG = 'Y:/1/0/20261120/101/9000001.V3';
const BIG_SIZE = 100 * 1024 * 1024;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
  sim.addFile(BIG, { size: BIG_SIZE, kind: 'bytes' });
});
afterAll(async () => {
  await sim.close();
});

function nextStreamClosed(): Promise<StreamClosedEvent> {
  return once(sim.events, 'streamClosed').then(([event]) => event as StreamClosedEvent);
}

describe('streaming', () => {
  it('streams a 100 MB file byte-exact with flat memory', async () => {
    const closed = nextStreamClosed();
    const res = await ccfsPost(sim, 'downloadRecord', { fileName: BIG });
    expect(Number(res.headers.get('content-length'))).toBe(BIG_SIZE);
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    const baseline = process.memoryUsage();
    let peakGrowth = 0;
    let received = 0;
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Spot-check content at a few places without keeping the body.
      if (chunks % 200 === 0) expect(Buffer.from(value).equals(syntheticBytes(BIG, received, value.length))).toBe(true);
      received += value.length;
      chunks += 1;
      if (chunks % 50 === 0) {
        const usage = process.memoryUsage();
        peakGrowth = Math.max(peakGrowth, usage.heapUsed + usage.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers);
      }
    }
    expect(received).toBe(BIG_SIZE);
    // Garbage chunks wait for GC (V8 collects after ~64 MB of external growth); the proof that nothing
    // is buffered is the backpressure test below. Here: memory never grows by the file's size.
    expect(peakGrowth).toBeLessThan(96 * 1024 * 1024);
    expect(await closed).toMatchObject({ endpoint: 'downloadRecord', bytesSent: BIG_SIZE, completed: true });
  });

  it('produces only what a stalled client can take (backpressure)', async () => {
    sim.resetCounters();
    const controller = new AbortController();
    const closed = nextStreamClosed();
    const res = await ccfsPost(sim, 'downloadRecord', { fileName: BIG }, { signal: controller.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentWhileStalled = sim.counters.bytesSent.downloadRecord;
    expect(sentWhileStalled).toBeLessThan(32 * 1024 * 1024);
    controller.abort();
    const event = await closed;
    expect(event.completed).toBe(false);
    expect(event.bytesSent).toBeLessThan(BIG_SIZE);
  });

  it("emits 'streamClosed' (completed false) when a playVoice client goes away mid-stream", async () => {
    const token = await requestToken(sim, BIG);
    const controller = new AbortController();
    const closed = nextStreamClosed();
    const res = await fetch(playVoiceUrl(sim, token), { signal: controller.signal });
    const reader = res.body?.getReader();
    let received = 0;
    while (received < 1024 * 1024) received += (await reader?.read())?.value?.length ?? 0;
    controller.abort();
    const event = await closed;
    expect(event).toMatchObject({ endpoint: 'playVoice', status: 200, completed: false });
    expect(event.bytesSent).toBeGreaterThanOrEqual(received);
    expect(event.bytesSent).toBeLessThan(BIG_SIZE);
  });

  it('serves a Range deep inside a large generated file', async () => {
    const start = 77 * 1024 * 1024 + 13;
    const res = await ccfsPost(sim, 'downloadRecord', { fileName: BIG }, { range: `bytes=${start}-${start + 99_999}` });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${start + 99_999}/${BIG_SIZE}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(syntheticBytes(BIG, start, 100_000))).toBe(true);
  });

  it('generates large WAV files with a valid header and seamless data', async () => {
    const name = 'Y:/1/0/20261120/102/9000002.V3';
    sim.addFile(name, { size: 3_000_000 });
    const bytes = await sim.fileBytes(name);
    expect(bytes.length).toBe(3_000_000);
    expect(wavFormat(bytes)).toMatchObject({ riff: 'RIFF', formatTag: 6, channels: 1, sampleRate: 8000 });
    expect(bytes.readUInt32LE(54)).toBe(3_000_000 - 58);
    // The 1-second period repeats exactly.
    expect(bytes.subarray(58, 58 + 8000).equals(bytes.subarray(58 + 8000 * 100, 58 + 8000 * 101))).toBe(true);
  });

  it('throttles bodies to bytesPerSecond', async () => {
    sim.knobs.bytesPerSecond = 400_000;
    try {
      const fileName = sim.samples.recordings[0] ?? '';
      const res = await ccfsPost(sim, 'downloadRecord', { fileName });
      const started = Date.now();
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(await sim.fileBytes(fileName))).toBe(true);
      // 24 KB at 400 KB/s takes at least ~50 ms (a lower bound only).
      expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    } finally {
      delete sim.knobs.bytesPerSecond;
    }
  });
});

describe('HTTPS', () => {
  it('serves over TLS when given a key and certificate', async () => {
    const dir = new URL('./fixtures/', import.meta.url);
    const cert = readFileSync(new URL('test-only-cert.pem', dir));
    const secure = await startSimulator({ tls: { key: readFileSync(new URL('test-only-key.pem', dir)), cert } });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        const req = request(`${secure.url}/__simulator/state`, { ca: cert }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toMatchObject({ url: secure.url });
    } finally {
      await secure.close();
    }
  });
});
