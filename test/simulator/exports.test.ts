/**
 * The simulator's export interfaces over HTTP: queryBillData / queryAgentOprInfoData answer a
 * responseId, the file is "generated" after a delay (0300011 before), a C2-signed callback goes to
 * the callBackURL (verified here with the simulator's own verifier and the callback keys), a
 * refused callback is retried, and the recording index lists the sample calls with recent times.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import unzipper from 'unzipper';
import { startSimulator, type Simulator } from '../../src/simulator/simulator.js';
import { verifyAuthV2 } from '../../src/simulator/auth-v2-verify.js';
import { ccfsJson, ccfsPost } from './helpers.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  rawUrl: string;
}

/** A callback receiver that answers `status` (200 with a body by default). */
async function receiver(answer: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks), rawUrl: req.url ?? '/' });
      res.writeHead(answer(), { 'content-type': 'application/json' }).end('{"resultCode":"0","resultDesc":"success"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/cc/callback`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function localTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '');
}

async function zipEntries(response: Response): Promise<Map<string, string>> {
  const directory = await unzipper.Open.buffer(Buffer.from(await response.arrayBuffer()));
  const entries = new Map<string, string>();
  for (const file of directory.files) entries.set(file.path, (await file.buffer()).toString('utf8'));
  return entries;
}

let sim: Simulator;
// Whole seconds: the window goes to the platform as wall-clock text without milliseconds.
const now = Math.floor(Date.now() / 1000) * 1000;

beforeAll(async () => {
  sim = await startSimulator({ exportDelayMs: 300, callbackRetryMs: 100, callbackMaxAttempts: 3, callbackAccessKey: 'cb-ak', callbackSecretKey: 'cb-sk' });
});
afterAll(() => sim.close());

describe('queryBillData → callback → downloadBillFile', () => {
  it('generates the recording index of the window, calls back signed, then serves the zip', async () => {
    const target = await receiver();
    try {
      const answer = await ccfsJson(sim, 'queryBillData', { beginTime: localTime(now - 24 * 3600_000), endTime: localTime(now), dataType: 'record', callBackURL: target.url });
      expect(answer['resultCode']).toBe('0');
      const responseId = (answer['resultData'] as { responseId: string }).responseId;
      expect(responseId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      const fileName = `${day}_${responseId.replace(/-/g, '')}.zip`;

      // Not generated yet: the platform's "file does not exist".
      expect((await ccfsJson(sim, 'downloadBillFile', { billFileName: fileName }))['resultCode']).toBe('0300011');

      await eventually(() => target.received.length === 1);
      const callback = target.received[0]!;
      expect(JSON.parse(callback.body.toString('utf8'))).toEqual({ request: { version: '2.0' }, msgBody: { responseId, billFileName: fileName } });
      const verdict = verifyAuthV2(
        { method: 'POST', rawUrl: callback.rawUrl, headers: callback.headers, body: callback.body },
        { secretFor: (ak) => (ak === 'cb-ak' ? 'cb-sk' : undefined), nowMs: Date.now(), maxSkewMs: 60_000 },
      );
      expect(verdict).toEqual({ ok: true, accessKey: 'cb-ak' });

      const download = await ccfsPost(sim, 'downloadBillFile', { billFileName: fileName });
      expect(download.status).toBe(200);
      const entries = await zipEntries(download);
      const names = [...entries.keys()];
      expect(names.every((name) => /_record(_\d+)?\.csv$/.test(name))).toBe(true);
      const lines = [...entries.values()].flatMap((text) => text.split('\r\n').filter(Boolean));
      const dataLines = lines.filter((line) => !line.startsWith('developer,'));
      expect(dataLines).toHaveLength(sim.samples.recordings.length);
      expect(dataLines.some((line) => line.includes(sim.samples.multiRecordingCallId) && line.includes('Y:\\1\\0\\'))).toBe(true);
      expect(sim.exports().at(-1)).toMatchObject({ fileName, records: sim.samples.recordings.length });
    } finally {
      await target.close();
    }
  });

  it('lists only the calls of the window and of the filters', async () => {
    const from = now - 60 * 60_000;
    const expected = sim.indexRecordsBetween(from, now);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(sim.samples.recordings.length);
    await ccfsJson(sim, 'queryBillData', { beginTime: localTime(from), endTime: localTime(now), dataType: 'record', callBackURL: 'http://127.0.0.1:9/none' });
    expect(sim.exports().at(-1)?.records).toBe(expected);
    await ccfsJson(sim, 'queryBillData', { beginTime: localTime(now - 86_400_000), endTime: localTime(now), agentId: '101', dataType: 'record', callBackURL: 'http://127.0.0.1:9/none' });
    expect(sim.exports().at(-1)?.records).toBe(sim.samples.recordings.length / 5);
  });

  it('sends a refused callback again, as the platform does every 10 minutes (shortened)', async () => {
    let answered = 0;
    const target = await receiver(() => (++answered < 3 ? 503 : 200));
    try {
      const before = { ...sim.counters.callbacks };
      await ccfsJson(sim, 'queryBillData', { beginTime: localTime(now - 3600_000), endTime: localTime(now), dataType: 'record', callBackURL: target.url });
      // The receiver sees the third POST before the simulator has read its answer: wait for both.
      await eventually(() => target.received.length === 3 && sim.counters.callbacks.succeeded > before.succeeded);
      // Other tests' callbacks to a closed port fail meanwhile too: at least this one's two.
      expect(sim.counters.callbacks.failed - before.failed).toBeGreaterThanOrEqual(2);
      expect(sim.counters.callbacks.succeeded - before.succeeded).toBe(1);
    } finally {
      await target.close();
    }
  });

  it('sends no callback with the noCallback fault, and hostile lines with hostileRows', async () => {
    const target = await receiver();
    try {
      sim.injectExport({ type: 'noCallback' });
      await ccfsJson(sim, 'queryBillData', { beginTime: localTime(now - 3600_000), endTime: localTime(now), dataType: 'record', callBackURL: target.url });
      sim.injectExport({ type: 'hostileRows' });
      const answer = await ccfsJson(sim, 'queryBillData', { beginTime: localTime(now - 3600_000), endTime: localTime(now), dataType: 'record', callBackURL: target.url });
      await eventually(() => target.received.length === 1);
      const hostile = sim.exports().at(-1)!;
      expect(hostile.hostileCounts).toMatchObject({ column_count: 2, bad_date: 1, broken_quoting: 1 });
      expect(JSON.parse(target.received[0]!.body.toString()).msgBody.responseId).toBe((answer['resultData'] as { responseId: string }).responseId);
    } finally {
      await target.close();
    }
  });

  it.each([
    [{ endTime: '2026-11-20 00:00:00', dataType: 'record', callBackURL: 'http://x/' }, '0300001'],
    [{ beginTime: '2026-11-20', endTime: '2026-11-20 00:00:00', dataType: 'record', callBackURL: 'http://x/' }, '0300004'],
    [{ beginTime: '2026-11-21 00:00:00', endTime: '2026-11-20 00:00:00', dataType: 'record', callBackURL: 'http://x/' }, '0300013'],
    [{ beginTime: '2026-11-10 00:00:00', endTime: '2026-11-20 00:00:00', dataType: 'record', callBackURL: 'http://x/' }, '0300004'],
    [{ beginTime: '2026-11-19 00:00:00', endTime: '2026-11-20 00:00:00', dataType: 'cdr', callBackURL: 'http://x/' }, '0300004'],
    [{ beginTime: '2026-11-19 00:00:00', endTime: '2026-11-20 00:00:00', dataType: 'record' }, '0300001'],
  ])('refuses %j with %s', async (msgBody, code) => {
    expect((await ccfsJson(sim, 'queryBillData', msgBody))['resultCode']).toBe(code);
  });

  it('refuses a bad signature with 401 and another account’s file with 401', async () => {
    const bad = await ccfsPost(sim, 'queryBillData', {}, { secretKey: 'wrong' });
    expect(bad.status).toBe(401);
    await ccfsJson(sim, 'queryBillData', { beginTime: localTime(now - 3600_000), endTime: localTime(now), dataType: 'record', callBackURL: 'http://127.0.0.1:9/' });
    const fileName = sim.exports().at(-1)!.fileName;
    await eventually(() => sim.exports().at(-1)!.readyAtMs <= Date.now());
    const foreign = await ccfsPost(sim, 'downloadBillFile', { billFileName: fileName }, sim.foreignCredentials);
    expect(foreign.status).toBe(401);
  });
});

describe('queryAgentOprInfoData', () => {
  it('makes an agent operation index that downloadAgentOprInfoFile serves once ready, with a callback', async () => {
    const target = await receiver();
    try {
      const answer = await ccfsJson(sim, 'queryAgentOprInfoData', { beginTime: localTime(now - 3600_000), endTime: localTime(now), agentId: '102', callBackURL: target.url });
      expect(answer['resultCode']).toBe('0');
      const fileName = sim.exports().at(-1)!.fileName;
      expect((await ccfsJson(sim, 'downloadAgentOprInfoFile', { agentOprInfoFileName: fileName }))['resultCode']).toBe('0300011');
      await eventually(() => target.received.length === 1);
      expect(JSON.parse(target.received[0]!.body.toString()).msgBody.agentOprInfoFileName).toBe(fileName);
      const download = await ccfsPost(sim, 'downloadAgentOprInfoFile', { agentOprInfoFileName: fileName });
      const entries = await zipEntries(download);
      const rows = [...entries.values()][0]!.trim().split('\n');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.split(',')[3] === '102')).toBe(true);
    } finally {
      await target.close();
    }
  });
});
