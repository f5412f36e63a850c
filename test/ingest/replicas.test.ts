/**
 * Several replicas on one real PostgreSQL (contract 1b): each window is asked of the CC-FS once
 * (counted by the simulator) and each file is ingested once, whichever replica polls it or
 * receives its callback; two ingestions of one file at the same instant store it once.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { ingestRecordingIndexFile } from '../../src/ingest/file-ingestion.js';
import { exportFileName } from '../../src/cc/files/export-file-name.js';
import { ccLocalDay } from '../../src/cc/files/cc-local-format.js';
import { testDatabases } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { startIngestionStack } from '../support/ingestion-stack.js';
import { startSimulator } from '../support/simulator.js';
import { counterValue, files, recordings, windows } from './helpers.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

const DAY = 24 * 3600_000;

describe('two replicas on one PostgreSQL', () => {
  it('ask each window once and ingest each file once, with callbacks and with polling', async () => {
    const database = await databases.fresh('postgres');
    const sim = await startSimulator({ exportDelayMs: 150, callbackRetryMs: 200 });
    // Half the exports call back (to the replica that asked), half must be polled (by either replica).
    sim.injectExport({ type: 'noCallback' }, { times: 2 });
    const start = new Date(Math.floor((Date.now() - 8 * DAY) / 1000) * 1000).toISOString();
    const env = { RECORDING_INDEX_START: start, CC_CALLBACK_WAIT_SECONDS: '0' };
    const [a, b] = await Promise.all([
      startIngestionStack({ database, sim, env, start: false }),
      startIngestionStack({ database, sim, env, start: false }),
    ]);
    try {
      await Promise.all([a.ingestion.start(), b.ingestion.start()]);
      for (let i = 0; i < 5; i++) {
        a.ingestion.ingester?.kick();
        b.ingestion.ingester?.kick();
      }
      await eventually(async () => (await files(a.handle)).filter((f) => f.state === 'ingested').length === 3, 30_000);

      const planned = await windows(a.handle);
      expect(planned.map((w) => w.id)).toEqual([1, 2, 3]); // 8 days → three pieces, planned once
      expect(planned.every((w) => w.state === 'ingested' && w.attempts === 1)).toBe(true);
      expect(sim.counters.calls.queryBillData).toBe(3); // each window asked once
      expect(await files(a.handle)).toHaveLength(3);

      const ingested = (await counterValue(a.metrics.indexFiles, { outcome: 'ingested' })) + (await counterValue(b.metrics.indexFiles, { outcome: 'ingested' }));
      const duplicates = (await counterValue(a.metrics.indexFiles, { outcome: 'duplicate' })) + (await counterValue(b.metrics.indexFiles, { outcome: 'duplicate' }));
      expect(ingested).toBe(3);
      expect(duplicates).toBe(0);
      expect(await recordings(a.handle)).toBe(sim.samples.recordings.length);
      // Both replicas took part (a replica that planned does not have to be the one that asks).
      const askedBy = [await counterValue(a.metrics.indexWindowsAsked, { result: 'ok' }), await counterValue(b.metrics.indexWindowsAsked, { result: 'ok' })];
      expect(askedBy[0]! + askedBy[1]!).toBe(3);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await sim.close();
    }
  });

  it('stores a file once when two replicas ingest it at the same instant', async () => {
    const database = await databases.fresh('postgres');
    const sim = await startSimulator({ exportDelayMs: 0 });
    const [a, b] = await Promise.all([
      startIngestionStack({ database, sim, env: { RECORDING_INDEX_INTERVAL_SECONDS: '0' }, start: false }),
      startIngestionStack({ database, sim, env: { RECORDING_INDEX_INTERVAL_SECONDS: '0' }, start: false }),
    ]);
    try {
      sim.injectExport({ type: 'noCallback' });
      const now = Date.now();
      const { responseId } = await a.clients.ccfs.queryBillData({ begin: new Date(now - DAY), end: new Date(now), dataType: 'record', callBackUrl: a.callbackUrl });
      const fileName = exportFileName(ccLocalDay(now, 'UTC'), responseId);
      await a.handle.db
        .insertInto('export_file')
        .values({ file_name: fileName, kind: 'record', response_id: responseId, request_day: ccLocalDay(now, 'UTC'), from_ms: now - DAY, to_ms: now, agent_id: null, window_id: null, requested_at: now, state: 'ready', next_attempt_at: now })
        .execute();
      const [downloadA, downloadB] = await Promise.all([a.clients.ccfs.downloadBillFile(fileName), b.clients.ccfs.downloadBillFile(fileName)]);
      const options = { timeZone: 'UTC', maxUncompressedBytes: 64 * 1024 * 1024, batchSize: 10, now: Date.now };
      const results = await Promise.all([
        ingestRecordingIndexFile(a.handle, fileName, downloadA.stream, options),
        ingestRecordingIndexFile(b.handle, fileName, downloadB.stream, options),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['ingested', 'not_pending']);
      expect(await recordings(a.handle)).toBe(sim.samples.recordings.length);
      expect((await files(b.handle))[0]).toMatchObject({ state: 'ingested', row_count: sim.samples.recordings.length });
    } finally {
      await Promise.all([a.close(), b.close()]);
      await sim.close();
    }
  });

  it('lets another replica take over a window whose claim has expired (a replica that died)', async () => {
    const database = await databases.fresh('postgres');
    const sim = await startSimulator({ exportDelayMs: 50 });
    const a = await startIngestionStack({ database, sim, start: false, tuning: { leaseMs: 1_000 } });
    try {
      const now = Date.now();
      await a.handle.db
        .insertInto('index_window')
        .values({ id: 1, from_ms: now - DAY, to_ms: now, state: 'pending', next_attempt_at: now, created_at: now, claimed_by: 'a-replica-that-died', claimed_until: now + 1_000 })
        .execute();
      await a.handle.db.insertInto('ingest_meta').values({ key: 'first_start_ms', value: String(now) }).execute();
      await a.ingestion.ingester?.tick();
      expect(sim.counters.calls.queryBillData).toBe(0); // still claimed by the other replica
      await a.ingestion.start();
      await eventually(async () => (await windows(a.handle))[0]?.state === 'ingested', 20_000);
      expect(sim.counters.calls.queryBillData).toBe(1);
    } finally {
      await a.close();
      await sim.close();
    }
  });
});
