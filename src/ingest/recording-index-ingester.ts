/**
 * The recording-index ingestion loop (docs/recording-index.md). Every tick:
 *   1. plan: when the interval has passed since the last window was planned, plan the next
 *      windows (under a lock: on PostgreSQL a transaction-level advisory lock, so that among
 *      replicas one plans them);
 *   2. ask: claim each window due to be asked and call queryBillData; the expected file
 *      (yyyyMMdd_{responseId}.zip, the request day in CC_TIME_ZONE) is stored with it;
 *   3. fetch: claim each file that is ready (its callback came) or overdue (no callback within
 *      CC_CALLBACK_WAIT_SECONDS: try the expected name directly), download it and ingest it in
 *      one transaction. Not there yet ⇒ poll again with backoff; a broken download or a database
 *      failure ⇒ the same file again with backoff; content refused (not a zip, too large) or a
 *      file that never appears ⇒ the window is asked again (never skipped).
 * All state lives in the database, so a restart (or another replica) carries on where it was.
 */
import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isCcError } from '../cc/cc-error.js';
import { backoffDelayMs } from '../cc/retry.js';
import { ccLocalDay } from '../cc/files/cc-local-format.js';
import { exportFileName } from '../cc/files/export-file-name.js';
import { SKIP_REASONS } from '../cc/files/recording-index-row.js';
import type { CcfsApi } from '../cc/types.js';
import type { DatabaseHandle } from '../db/connection.js';
import { readCoverage } from '../db/coverage.js';
import { applyEarlyCallback, claimDueRecordFile, insertExportFile, markDownloadFailed, markFileFailed, pruneCallbackInbox, recordFirstDownload, type ExportFile } from '../db/export-file-repository.js';
import { claimDueWindow, insertWindows, lastWindow, markWindowAskFailed, markWindowAsked, reopenWindow, type IndexWindow } from '../db/index-window-repository.js';
import { META_FIRST_START, writeMetaOnce } from '../db/ingest-meta-repository.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { errorText } from './error-text.js';
import { ingestRecordingIndexFile, StoreError } from './file-ingestion.js';
import { planWindows, MAX_WINDOW_MS } from './window-plan.js';

/** An arbitrary constant that names "planning recording-index windows" among advisory locks. */
export const PLAN_LOCK_KEY = 7_301_204_612;

/** Delays between attempts: equal jitter, doubling from baseDelayMs up to maxDelayMs. */
export interface Backoff {
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RecordingIndexIngesterOptions {
  handle: DatabaseHandle;
  ccfs: CcfsApi;
  logger: Logger;
  metrics: Metrics;
  timeZone: string;
  callbackUrl: string;
  intervalMs: number;
  /** RECORDING_INDEX_START; undefined: 24 hours before the first start (kept in the database). */
  startMs: number | undefined;
  overlapMs: number;
  callbackWaitMs: number;
  maxUncompressedBytes: number;
  /** How often the loop looks for due work (callbacks also wake it at once). Default 5 s. */
  tickMs?: number;
  /** Rows per INSERT batch. Default 2000. */
  batchSize?: number;
  /** How long a claim holds before another replica may take the work over. Default 5 min. */
  leaseMs?: number;
  /** Between asks of a window that failed, and between downloads that failed. Default 10 s … 10 min. */
  retryBackoff?: Backoff;
  /** Between polls for a file that is not there yet. Default 30 s … 5 min. */
  pollBackoff?: Backoff;
  /** A file that has not appeared this long after its request is given up; its window is asked again. Default 6 h. */
  fileWaitLimitMs?: number;
  maxWindowMs?: number;
  /** Names this replica in claims. Default a random id. */
  instanceId?: string;
  now?: () => number;
}

export interface IngesterEvents {
  windowAsked: [{ windowId: number; fileName: string }];
  fileIngested: [{ fileName: string; rows: number; skipped: number }];
  fileFailed: [{ fileName: string; outcome: 'not_ready' | 'download_failed' | 'refused' | 'gave_up'; error: string; rowsWrittenBeforeFailure: number }];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Work items handled per tick and kind, so one tick never runs unbounded. */
const MAX_ITEMS_PER_TICK = 50;

export class RecordingIndexIngester {
  readonly events = new EventEmitter<IngesterEvents>();
  readonly instanceId: string;
  private readonly now: () => number;
  private readonly tickMs: number;
  private readonly leaseMs: number;
  private readonly retryBackoff: Backoff;
  private readonly pollBackoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private startMs: number | undefined;
  /** Ticks run in the context the ingester was made in, not in that of the callback that woke it. */
  private readonly context = new AsyncResource('RecordingIndexIngester');

  constructor(private readonly options: RecordingIndexIngesterOptions) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.now = options.now ?? Date.now;
    this.tickMs = options.tickMs ?? 5_000;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.retryBackoff = options.retryBackoff ?? { baseDelayMs: 10_000, maxDelayMs: 10 * 60_000 };
    this.pollBackoff = options.pollBackoff ?? { baseDelayMs: 30_000, maxDelayMs: 5 * 60_000 };
  }

  /** Records the first start (durably), then ticks now and every tickMs. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    const firstStart = Number(await writeMetaOnce(this.options.handle.db, META_FIRST_START, String(this.now())));
    this.startMs = this.options.startMs ?? firstStart - DAY_MS;
    this.stopped = false;
    this.options.logger.info(
      { instanceId: this.instanceId, startsAt: new Date(this.startMs).toISOString(), intervalSeconds: this.options.intervalMs / 1000 },
      'recording-index ingestion started',
    );
    this.kick();
  }

  /** Runs a tick as soon as possible (a callback arrived, or a test wants progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.context.runInAsyncScope(() => this.tick()).finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        this.timer = setTimeout(() => this.kick(), this.tickMs);
        this.timer.unref();
      }
    });
  }

  /** Stops the loop and waits for the work in progress (a file's transaction finishes or rolls back). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** An instant `backoff` after now for attempt number `attempt` (whole milliseconds: BIGINT columns). */
  private later(backoff: Backoff, attempt: number): number {
    return this.now() + Math.round(backoffDelayMs(backoff, attempt));
  }

  /** One pass: plan, ask, fetch. Errors are logged; the next tick tries again. */
  async tick(): Promise<void> {
    this.options.logger.debug('recording-index ingestion tick');
    try {
      await this.plan();
      for (let i = 0; i < MAX_ITEMS_PER_TICK && !this.stopped; i++) {
        const window = await claimDueWindow(this.options.handle.db, this.options.handle.dialect, this.instanceId, this.now(), this.leaseMs);
        if (!window) break;
        await this.ask(window);
      }
      for (let i = 0; i < MAX_ITEMS_PER_TICK && !this.stopped; i++) {
        const file = await claimDueRecordFile(this.options.handle.db, this.options.handle.dialect, this.instanceId, this.now(), this.leaseMs, this.options.callbackWaitMs);
        if (!file) break;
        await this.fetch(file);
      }
      await pruneCallbackInbox(this.options.handle.db, this.now() - 7 * DAY_MS);
    } catch (error) {
      this.options.logger.warn({ error: errorText(error) }, 'recording-index ingestion: tick failed; trying again');
    }
  }

  /** Plans the next windows when due; on PostgreSQL under a lock, so that one replica does it. */
  private async plan(): Promise<void> {
    const { handle, intervalMs, overlapMs } = this.options;
    await handle.db.transaction().execute(async (trx) => {
      if (handle.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PLAN_LOCK_KEY})`.execute(trx);
      const last = await lastWindow(trx);
      const now = this.now();
      if (last !== undefined && last.created_at + intervalMs > now) return;
      const planned = planWindows({
        previousToMs: last?.to_ms,
        startMs: this.startMs ?? now - DAY_MS,
        overlapMs,
        nowMs: now,
        maxWindowMs: this.options.maxWindowMs ?? MAX_WINDOW_MS,
      });
      // Less than a second since the last end: nothing new to ask.
      if (planned.length === 0 || (last !== undefined && planned.every((w) => w.toMs <= last.to_ms))) return;
      const firstId = (last?.id ?? 0) + 1;
      await insertWindows(
        trx,
        planned.map((window, index) => ({ id: firstId + index, from_ms: window.fromMs, to_ms: window.toMs, next_attempt_at: now, created_at: now })),
      );
      this.options.logger.info({ windows: planned.length, fromMs: planned[0]?.fromMs, toMs: planned.at(-1)?.toMs }, 'recording-index windows planned');
    });
  }

  private async ask(window: IndexWindow): Promise<void> {
    const { handle, ccfs, metrics, logger, timeZone, callbackUrl } = this.options;
    const requestedAt = this.now();
    let responseId: string;
    try {
      ({ responseId } = await ccfs.queryBillData({
        begin: new Date(window.from_ms),
        end: new Date(window.to_ms),
        dataType: 'record',
        callBackUrl: callbackUrl,
      }));
    } catch (error) {
      const kind = isCcError(error) ? error.kind : 'error';
      metrics.indexWindowsAsked.inc({ result: kind });
      const retryAt = this.later(this.retryBackoff, window.attempts + 1);
      await markWindowAskFailed(handle.db, window.id, errorText(error), retryAt);
      logger.warn({ windowId: window.id, attempts: window.attempts + 1, error: errorText(error), retryAt: new Date(retryAt).toISOString() }, 'queryBillData failed; the window will be asked again');
      return;
    }
    metrics.indexWindowsAsked.inc({ result: 'ok' });
    const fileName = exportFileName(ccLocalDay(requestedAt, timeZone), responseId);
    await handle.db.transaction().execute(async (trx) => {
      await insertExportFile(trx, {
        file_name: fileName,
        kind: 'record',
        response_id: responseId,
        request_day: ccLocalDay(requestedAt, timeZone),
        from_ms: window.from_ms,
        to_ms: window.to_ms,
        agent_id: null,
        window_id: window.id,
        requested_at: requestedAt,
        // Polled CC_CALLBACK_WAIT_SECONDS after requested_at unless a callback makes it ready first.
        next_attempt_at: requestedAt,
      });
      await markWindowAsked(trx, window.id, fileName, requestedAt);
    });
    await applyEarlyCallback(handle.db, fileName, 'record');
    logger.info({ windowId: window.id, fileName, from: new Date(window.from_ms).toISOString(), to: new Date(window.to_ms).toISOString() }, 'recording-index window asked');
    this.events.emit('windowAsked', { windowId: window.id, fileName });
  }

  private async fetch(file: ExportFile): Promise<void> {
    const { handle, ccfs, metrics, logger } = this.options;
    const polled = file.ready_at === null;
    let download;
    try {
      download = await ccfs.downloadBillFile(file.file_name);
    } catch (error) {
      if (isCcError(error) && error.kind === 'not_found') {
        if (this.now() - file.requested_at > (this.options.fileWaitLimitMs ?? 6 * 60 * 60_000)) {
          return this.giveUp(file, 'gave_up', 'the CC-FS never made the file available', 0);
        }
        metrics.indexFiles.inc({ outcome: 'not_ready' });
        await markDownloadFailed(handle.db, file.file_name, errorText(error), this.later(this.pollBackoff, file.attempts + 1));
        logger.info({ fileName: file.file_name, polled, attempts: file.attempts + 1 }, 'recording-index file not there yet; polling again later');
        this.events.emit('fileFailed', { fileName: file.file_name, outcome: 'not_ready', error: errorText(error), rowsWrittenBeforeFailure: 0 });
        return;
      }
      return this.retryLater(file, error, 0);
    }
    // The body may break off while the transaction is being opened: the reader sees the error
    // (stream.errored) once it starts; until then it must not go unhandled.
    download.stream.on('error', () => undefined);
    await recordFirstDownload(handle.db, file.file_name, 'record', this.now());
    const started = process.hrtime.bigint();
    let rowsWritten = 0;
    try {
      const result = await ingestRecordingIndexFile(handle, file.file_name, download.stream, {
        timeZone: this.options.timeZone,
        maxUncompressedBytes: this.options.maxUncompressedBytes,
        batchSize: this.options.batchSize ?? 2000,
        now: this.now,
        onBatchWritten: (rows) => {
          rowsWritten = rows;
        },
      });
      if (result.status === 'not_pending') {
        metrics.indexFiles.inc({ outcome: 'duplicate' });
        return;
      }
      metrics.indexFiles.inc({ outcome: 'ingested' });
      metrics.indexRowsIngested.inc(result.stats.rows);
      for (const reason of SKIP_REASONS) {
        if (result.stats.skipped[reason] > 0) metrics.indexRowsSkipped.inc({ reason }, result.stats.skipped[reason]);
      }
      metrics.indexIngestDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
      const coverage = await readCoverage(handle.db);
      metrics.indexCoverageTo.set(coverage.toMs === null ? 0 : coverage.toMs / 1000);
      const skippedByReason = Object.fromEntries(SKIP_REASONS.filter((r) => result.stats.skipped[r] > 0).map((r) => [r, result.stats.skipped[r]]));
      logger[result.skipped > 0 ? 'warn' : 'info'](
        { fileName: file.file_name, windowId: result.windowId, rows: result.stats.rows, csvEntries: result.stats.csvEntries, skipped: result.skipped, skippedByReason },
        result.skipped > 0 ? 'recording-index file ingested; bad lines skipped' : 'recording-index file ingested',
      );
      this.events.emit('fileIngested', { fileName: file.file_name, rows: result.stats.rows, skipped: result.skipped });
    } catch (error) {
      download.stream.destroy();
      // A download that broke off, or a database failure: the file itself may be fine.
      if (isCcError(error) || error instanceof StoreError || isDatabaseError(error)) return this.retryLater(file, error, rowsWritten);
      // The content itself was refused (not a zip, too large, unreadable): ask the window again.
      return this.giveUp(file, 'refused', `the file was refused: ${errorText(error)}`, rowsWritten);
    }
  }

  private async retryLater(file: ExportFile, error: unknown, rowsWrittenBeforeFailure: number): Promise<void> {
    const retryAt = this.later(this.retryBackoff, file.attempts + 1);
    this.options.metrics.indexFiles.inc({ outcome: 'download_failed' });
    await markDownloadFailed(this.options.handle.db, file.file_name, errorText(error instanceof StoreError ? error.cause : error), retryAt);
    this.options.logger.warn(
      { fileName: file.file_name, attempts: file.attempts + 1, error: errorText(error instanceof StoreError ? error.cause : error), retryAt: new Date(retryAt).toISOString(), rolledBackRows: rowsWrittenBeforeFailure },
      'recording-index file not ingested (nothing kept); trying the same file again later',
    );
    this.events.emit('fileFailed', { fileName: file.file_name, outcome: 'download_failed', error: errorText(error), rowsWrittenBeforeFailure });
  }

  private async giveUp(file: ExportFile, outcome: 'refused' | 'gave_up', error: string, rowsWrittenBeforeFailure: number): Promise<void> {
    const { handle, metrics, logger } = this.options;
    metrics.indexFiles.inc({ outcome });
    const windowId = file.window_id;
    let retryAt = this.now();
    await handle.db.transaction().execute(async (trx) => {
      await markFileFailed(trx, file.file_name, error);
      if (windowId !== null) {
        const attempts = (await trx.selectFrom('index_window').select('attempts').where('id', '=', windowId).executeTakeFirst())?.attempts ?? 1;
        retryAt = this.later(this.retryBackoff, attempts);
        await reopenWindow(trx, windowId, error, retryAt);
      }
    });
    logger.warn({ fileName: file.file_name, windowId, error, retryAt: new Date(retryAt).toISOString(), rolledBackRows: rowsWrittenBeforeFailure }, 'recording-index file given up; its window will be asked again');
    this.events.emit('fileFailed', { fileName: file.file_name, outcome, error, rowsWrittenBeforeFailure });
  }
}

/** pg errors carry a 5-character SQLSTATE; better-sqlite3's a SQLITE_… code. */
function isDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (/^[0-9A-Z]{5}$/.test(code) || code.startsWith('SQLITE_'));
}
