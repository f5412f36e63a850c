/**
 * One recording-index zip → the `recording` table, in ONE transaction: all its rows or none. The
 * transaction's first statement locks the file's export_file row (so a second replica never
 * ingests it too); rows are upserted in batches as the zip streams in; the file, its window and
 * the stored recording count are marked in the same transaction.
 */
import type { Readable } from 'node:stream';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { readRecordingIndexZip, skippedTotal, type RecordingIndexReadStats } from '../cc/files/recording-index-reader.js';
import type { RecordingIndexRow } from '../cc/files/recording-index-row.js';
import type { DatabaseHandle } from '../db/connection.js';
import { lockFileForIngestion, markFileIngested } from '../db/export-file-repository.js';
import { META_RECORDING_COUNT, writeMeta } from '../db/ingest-meta-repository.js';
import { markWindowIngested } from '../db/index-window-repository.js';
import { countRecordings, upsertRecordings } from '../db/recording-repository.js';
import { startRecordingBulkLoad } from '../db/recording-bulk-load.js';
import type { Database, RecordingTable } from '../db/schema.js';
import type { Executor } from '../db/recording-repository.js';

/** A failure while writing (not while reading the zip): worth another attempt of the same file. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

export interface IngestFileOptions {
  timeZone: string;
  maxUncompressedBytes: number;
  batchSize: number;
  now: () => number;
  /** Called after each batch is written (tests watch a transaction that fails half-way). */
  onBatchWritten?: (rowsSoFar: number) => void;
}

export type IngestResult =
  | { status: 'ingested'; stats: RecordingIndexReadStats; skipped: number; windowId: number | null }
  /** Another replica ingested it (or it was given up) meanwhile. */
  | { status: 'not_pending' };

function toTable(row: RecordingIndexRow, sourceFile: string, at: number): RecordingTable {
  return {
    call_id: row.callId,
    file_name: row.fileName,
    agent_id: row.agentId,
    caller_no: row.callerNo,
    callee_no: row.calleeNo,
    begin_time: row.beginMs,
    end_time: row.endMs,
    call_type: row.callType,
    media_type: row.mediaType,
    cc_id: row.ccId,
    vdn_id: row.vdnId,
    skill_id: row.skillId,
    source_file: sourceFile,
    ingested_at: at,
  };
}

export async function ingestRecordingIndexFile(handle: DatabaseHandle, fileName: string, zip: Readable, options: IngestFileOptions): Promise<IngestResult> {
  if (handle.pgPool !== undefined) return ingestOnPostgres(handle.pgPool, fileName, zip, options);
  return handle.db.transaction().execute((trx) =>
    ingestInTransaction(trx, fileName, zip, options, async (rows) => {
      await upsertRecordings(trx, handle.dialect, rows);
    }),
  );
}

type WriteRows = (rows: RecordingTable[]) => Promise<void>;

/** The steps of one file inside its transaction; `write` stores a batch, `finish` ends the rows. */
async function ingestInTransaction(
  trx: Executor,
  fileName: string,
  zip: Readable,
  options: IngestFileOptions,
  write: WriteRows,
  prepare?: () => Promise<{ write: WriteRows; finish(): Promise<void>; abort(error: Error): void }>,
): Promise<IngestResult> {
  const locked = await lockFileForIngestion(trx, fileName);
  if (locked === undefined) {
    zip.destroy();
    return { status: 'not_pending' };
  }
  const at = options.now();
  const bulk = prepare === undefined ? undefined : await prepare();
  const store = bulk?.write ?? write;
  let written = 0;
  let stats: RecordingIndexReadStats;
  try {
    stats = await readRecordingIndexZip(zip, options, async (rows) => {
      try {
        await store(rows.map((row) => toTable(row, fileName, at)));
      } catch (error) {
        throw new StoreError('writing recording rows failed', { cause: error });
      }
      written += rows.length;
      options.onBatchWritten?.(written);
    });
    await bulk?.finish();
  } catch (error) {
    bulk?.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  const skipped = skippedTotal(stats);
  const doneAt = options.now();
  await markFileIngested(trx, fileName, doneAt, stats.rows, skipped);
  if (locked.windowId !== null) await markWindowIngested(trx, locked.windowId, doneAt, stats.rows, skipped);
  await writeMeta(trx, META_RECORDING_COUNT, String(await countRecordings(trx)));
  return { status: 'ingested', stats, skipped, windowId: locked.windowId };
}

/**
 * PostgreSQL: one client of the pool for the whole file, BEGIN … COMMIT around it, the repository
 * statements through a Kysely bound to that client, and the rows through COPY (bulk load).
 */
async function ingestOnPostgres(pool: pg.Pool, fileName: string, zip: Readable, options: IngestFileOptions): Promise<IngestResult> {
  const client = await pool.connect();
  const single: PostgresPool = {
    connect: async () => ({ query: client.query.bind(client) as PostgresPoolClient['query'], release: () => undefined }),
    end: async () => undefined,
  };
  const trx = new Kysely<Database>({ dialect: new PostgresDialect({ pool: single }) });
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await ingestInTransaction(
      trx,
      fileName,
      zip,
      options,
      async () => undefined,
      () => startRecordingBulkLoad(client, trx),
    );
    await client.query('commit');
    return result;
  } catch (error) {
    try {
      await client.query('rollback');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    // A client whose rollback failed is in an unknown state: the pool drops it.
    client.release(broken);
    await trx.destroy();
  }
}
