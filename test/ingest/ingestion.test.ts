/**
 * The recording-index ingestion over real HTTP against the simulator, on both databases: the
 * schedule (first window, overlap, ≤3-day pieces), coverage, restart from the database, the
 * polling fallback without callbacks, hostile lines, refused zips (the window is asked again),
 * and one transaction per file (a download that breaks half-way leaves no rows).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readCoverage } from '../../src/db/coverage.js';
import { DATABASE_KINDS, testDatabases } from '../support/databases.js';
import { eventually } from '../support/eventually.js';
import { startIngestionStack, type IngestionStack } from '../support/ingestion-stack.js';
import { startSimulator } from '../support/simulator.js';
import { counterValue, files, ManualClock, recordings, windows } from './helpers.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function ingestedFiles(stack: IngestionStack): Promise<number> {
  return (await files(stack.handle)).filter((file) => file.state === 'ingested').length;
}

describe.each(DATABASE_KINDS)('recording-index ingestion on %s', (kind) => {
  it('ingests the sample index: the first window starts 24 h before the first start; callback, download, coverage', async () => {
    const stack = await startIngestionStack({ database: await databases.fresh(kind) });
    try {
      const { sim, handle } = stack;
      await eventually(async () => (await ingestedFiles(stack)) === 1);
      const [window] = await windows(handle);
      const firstStart = Number((await handle.reader.selectFrom('ingest_meta').select('value').where('key', '=', 'first_start_ms').executeTakeFirstOrThrow()).value);
      expect(window).toMatchObject({ id: 1, state: 'ingested', from_ms: Math.floor((firstStart - DAY) / 1000) * 1000, row_count: sim.samples.recordings.length });
      expect(await recordings(handle)).toBe(sim.samples.recordings.length);
      const [file] = await files(handle);
      expect(file).toMatchObject({ kind: 'record', state: 'ingested', window_id: 1 });
      expect(file?.ready_at).not.toBeNull(); // the callback came
      expect(sim.counters.calls.queryBillData).toBe(1);
      expect(sim.counters.calls.downloadBillFile).toBe(1);
      expect(sim.counters.callbacks.succeeded).toBe(1);

      const rows = await handle.reader.selectFrom('recording').selectAll().where('call_id', '=', sim.samples.multiRecordingCallId).orderBy('begin_time').execute();
      expect(rows.map((r) => r.file_name)).toEqual(sim.samples.multiRecordingFileNames);
      expect(rows.every((r) => r.source_file === file?.file_name && typeof r.begin_time === 'number')).toBe(true);

      expect(await readCoverage(handle.reader)).toEqual({
        fromMs: window?.from_ms,
        toMs: window?.to_ms,
        recordings: sim.samples.recordings.length,
        lastIngestedAtMs: file?.ingested_at,
      });
      expect(await counterValue(stack.metrics.indexFiles, { outcome: 'ingested' })).toBe(1);
      expect(await counterValue(stack.metrics.indexRowsIngested)).toBe(sim.samples.recordings.length);
      // 'unknown_file' when the callback overtook the store of its request (the inbox then made it ready).
      expect(await counterValue(stack.metrics.ccCallbacks)).toBe(1);
    } finally {
      await stack.close();
    }
  });

  it('plans each next window OVERLAP before the previous end up to the present; overlapping rows never duplicate', async () => {
    const clock = new ManualClock();
    const stack = await startIngestionStack({
      database: await databases.fresh(kind),
      env: { RECORDING_INDEX_INTERVAL_SECONDS: '600', RECORDING_INDEX_OVERLAP_SECONDS: '900' },
      tuning: { now: clock.now },
    });
    try {
      await eventually(async () => (await ingestedFiles(stack)) === 1);
      // Before the interval has passed, nothing new is planned.
      clock.advance(599_000);
      await stack.ingestion.ingester?.tick();
      expect(await windows(stack.handle)).toHaveLength(1);
      clock.advance(1_000);
      stack.ingestion.ingester?.kick();
      await eventually(async () => (await ingestedFiles(stack)) === 2);
      const [first, second] = await windows(stack.handle);
      expect(second).toMatchObject({ id: 2, from_ms: (first?.to_ms ?? 0) - 900_000, to_ms: clock.ms, state: 'ingested' });
      expect(second?.row_count).toBeGreaterThan(0); // the last 15 minutes of sample calls, again
      expect(await recordings(stack.handle)).toBe(stack.sim.samples.recordings.length);
      expect((await readCoverage(stack.handle.reader)).toMs).toBe(clock.ms);
      expect(stack.sim.counters.calls.queryBillData).toBe(2);
    } finally {
      await stack.close();
    }
  });

  it('splits a start a week back into pieces of at most 3 days, each asked once', async () => {
    const start = new Date(Math.floor((Date.now() - 7 * DAY) / 1000) * 1000);
    const stack = await startIngestionStack({ database: await databases.fresh(kind), env: { RECORDING_INDEX_START: start.toISOString() } });
    try {
      await eventually(async () => (await ingestedFiles(stack)) === 3);
      const planned = await windows(stack.handle);
      expect(planned).toHaveLength(3);
      expect(planned[0]?.from_ms).toBe(start.getTime());
      for (const [index, window] of planned.entries()) {
        expect(window.to_ms - window.from_ms).toBeLessThanOrEqual(3 * DAY);
        if (index > 0) expect(window.from_ms).toBe(planned[index - 1]?.to_ms);
      }
      expect(stack.sim.counters.calls.queryBillData).toBe(3);
      expect(await recordings(stack.handle)).toBe(stack.sim.samples.recordings.length);
      expect(await readCoverage(stack.handle.reader)).toMatchObject({ fromMs: start.getTime(), toMs: planned[2]?.to_ms });
    } finally {
      await stack.close();
    }
  });

  it('carries on after a restart from the state in the database', async () => {
    const database = await databases.fresh(kind);
    const sim = await startSimulator({ exportDelayMs: 100 });
    try {
      // First run: the window is asked, but no callback comes and the wait is long: stopped before the download.
      sim.injectExport({ type: 'noCallback' });
      const first = await startIngestionStack({ database, sim, env: { CC_CALLBACK_WAIT_SECONDS: '3600' } });
      await eventually(async () => (await files(first.handle)).length === 1);
      const firstStart = await first.handle.reader.selectFrom('ingest_meta').selectAll().execute();
      await first.close();
      expect(sim.counters.calls.downloadBillFile).toBe(0);

      // Second run: the same window is not asked again; its expected file is polled (a shorter wait now) and ingested.
      const second = await startIngestionStack({ database, sim, env: { CC_CALLBACK_WAIT_SECONDS: '0' } });
      try {
        await eventually(async () => (await ingestedFiles(second)) === 1);
        expect(sim.counters.calls.queryBillData).toBe(1);
        expect(await windows(second.handle)).toHaveLength(1);
        expect(await second.handle.reader.selectFrom('ingest_meta').selectAll().where('key', '=', 'first_start_ms').execute()).toEqual(
          firstStart.filter((row) => row.key === 'first_start_ms'),
        );
        expect(await recordings(second.handle)).toBe(sim.samples.recordings.length);
      } finally {
        await second.close();
      }
    } finally {
      await sim.close();
    }
  });

  it('polls the expected file name when no callback comes, with backoff while the CC-FS answers not-found', async () => {
    const stack = await startIngestionStack({
      database: await databases.fresh(kind),
      simulator: { exportDelayMs: 1_000 },
      env: { CC_CALLBACK_WAIT_SECONDS: '0' },
    });
    stack.sim.injectExport({ type: 'noCallback' }, { times: Infinity });
    try {
      await eventually(async () => (await ingestedFiles(stack)) === 1);
      const [file] = await files(stack.handle);
      const made = stack.sim.exports()[0];
      expect(stack.sim.counters.callbacks.sent).toBe(0);
      expect(stack.sim.counters.calls.downloadBillFile).toBeGreaterThan(1);
      expect(await counterValue(stack.metrics.indexFiles, { outcome: 'not_ready' })).toBeGreaterThan(0);
      // readyAt: the first successful download, never before the file existed.
      expect(file?.ready_at).toBeGreaterThanOrEqual(made?.readyAtMs ?? Infinity);
      expect(await recordings(stack.handle)).toBe(stack.sim.samples.recordings.length);
    } finally {
      if (process.env['DUMP_LOGS']) console.log(stack.logs.text.split('\n').map((l) => l.slice(0, 400)).join('\n'));
      await stack.close();
    }
  });

  it('skips and counts hostile lines, ingests the rest, and logs no row content', async () => {
    const stack = await startIngestionStack({ database: await databases.fresh(kind), start: false });
    try {
      stack.sim.injectExport({ type: 'hostileRows' });
      await stack.ingestion.start();
      await eventually(async () => (await ingestedFiles(stack)) === 1);
      const made = stack.sim.exports()[0];
      expect(made?.hostileCounts).toEqual({ column_count: 2, bad_date: 1, field_too_long: 1, broken_quoting: 1, line_too_long: 1 });
      expect(await recordings(stack.handle)).toBe(stack.sim.samples.recordings.length);
      const [file] = await files(stack.handle);
      expect(file?.skipped_rows).toBe(6);
      for (const [reason, count] of Object.entries(made?.hostileCounts ?? {})) {
        expect(await counterValue(stack.metrics.indexRowsSkipped, { reason })).toBe(count);
      }
      const logged = stack.logs.text;
      expect(logged).toContain('bad lines skipped');
      expect(logged).not.toMatch(/x{50}|y{50}|2026-02-30|13800130/);
    } finally {
      if (process.env['DUMP_LOGS']) console.log(stack.logs.text.split('\n').map((l) => l.slice(0, 400)).join('\n'));
      await stack.close();
    }
  });

  it.each([
    ['a zip that would inflate past the limit', { type: 'oversizedZip', inflatedBytes: 4 * 1024 * 1024 } as const, /inflates to more than/],
    ['a broken zip', { type: 'brokenZip' } as const, /refused/],
  ])('refuses %s, keeps coverage where it was, and asks the window again', async (_what, fault, why) => {
    const stack = await startIngestionStack({ database: await databases.fresh(kind), env: { RECORDING_INDEX_MAX_UNZIPPED_MB: '1' }, start: false });
    try {
      stack.sim.injectExport(fault);
      const refused = new Promise<void>((resolve) =>
        stack.ingestion.ingester?.events.on('fileFailed', (event) => {
          if (event.outcome === 'refused') resolve();
        }),
      );
      await stack.ingestion.start();
      await refused;
      expect((await readCoverage(stack.handle.reader)).toMs).toBeNull();
      await eventually(async () => (await ingestedFiles(stack)) === 1);
      const [failed, good] = await files(stack.handle);
      expect(failed).toMatchObject({ state: 'failed', window_id: 1 });
      expect(failed?.last_error).toMatch(why);
      expect(good).toMatchObject({ state: 'ingested', window_id: 1 });
      expect(stack.sim.counters.calls.queryBillData).toBe(2); // the same window, asked again
      expect(await windows(stack.handle)).toEqual([expect.objectContaining({ id: 1, state: 'ingested', attempts: 2 })]);
      expect(await recordings(stack.handle)).toBe(stack.sim.samples.recordings.length);
      expect(await counterValue(stack.metrics.indexFiles, { outcome: 'refused' })).toBe(1);
      expect(stack.logs.text).toContain('its window will be asked again');
    } finally {
      await stack.close();
    }
  });

  it('ingests a file in one transaction: a download that breaks half-way leaves no rows, the retry stores all', async () => {
    const stack = await startIngestionStack({ database: await databases.fresh(kind), start: false, tuning: { batchSize: 10 } });
    try {
      if (process.env['DUMP_LOGS']) stack.ingestion.ingester?.events.on('fileFailed', (e) => console.log(JSON.stringify(e)));
      stack.sim.inject('downloadBillFile', { type: 'truncate', afterBytes: 5_000 }, { times: Infinity });
      // Slowly, so that rows are written before the break whatever the database's pace.
      stack.sim.knobs.bytesPerSecond = 20_000;
      const broken = new Promise<number>((resolve) =>
        stack.ingestion.ingester?.events.on('fileFailed', (event) => {
          if (event.outcome === 'download_failed') resolve(event.rowsWrittenBeforeFailure);
        }),
      );
      await stack.ingestion.start();
      expect(await broken).toBeGreaterThan(0); // rows had been written inside the transaction …
      expect(await recordings(stack.handle)).toBe(0); // … and none of them stayed
      expect((await readCoverage(stack.handle.reader)).toMs).toBeNull();
      stack.sim.clearFaults();
      delete stack.sim.knobs.bytesPerSecond;
      await eventually(async () => (await ingestedFiles(stack)) === 1);
      expect(await recordings(stack.handle)).toBe(stack.sim.samples.recordings.length);
      expect(stack.sim.counters.calls.queryBillData).toBe(1); // a broken download retries the same file
    } finally {
      await stack.close();
    }
  });
});
