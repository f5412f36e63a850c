/**
 * The `export_file` table (every file asked of the CC-FS) and the `callback_inbox` (validly signed
 * callbacks). A callback may overtake the store of its own request (the CC-FS can be quicker than
 * our insert), so callbacks are kept in the inbox and a newly stored request looks there first.
 */
import { sql, type Selectable } from 'kysely';
import type { DialectName } from './connection.js';
import type { Executor } from './recording-repository.js';
import type { ExportFileKind, ExportFileState, ExportFileTable } from './schema.js';

export type ExportFile = Selectable<ExportFileTable>;

/** A requested file becomes ready; the other states stay. */
const READY_IF_REQUESTED = sql<ExportFileState>`case when state = 'requested' then 'ready' else state end`;

export type NewExportFile = Omit<ExportFile, 'attempts' | 'ready_at' | 'state' | 'last_error' | 'claimed_by' | 'claimed_until' | 'ingested_at' | 'row_count' | 'skipped_rows'>;

/** Stores a requested file (state requested). Call applyEarlyCallback once this is committed. */
export async function insertExportFile(executor: Executor, file: NewExportFile): Promise<void> {
  await executor.insertInto('export_file').values({ ...file, state: 'requested' }).execute();
}

/**
 * A callback that overtook the store of its request (it is in the inbox) makes the file ready.
 * Run after the file's row is committed: a callback stored after that commit finds the row itself,
 * one stored before it is seen here, so none is lost in between.
 */
export async function applyEarlyCallback(executor: Executor, fileName: string, kind: ExportFileKind): Promise<boolean> {
  const early = await executor.selectFrom('callback_inbox').select('received_at').where('file_name', '=', fileName).where('kind', '=', kind).executeTakeFirst();
  if (early === undefined) return false;
  await executor
    .updateTable('export_file')
    .set((eb) => ({
      ready_at: eb.fn.coalesce('ready_at', eb.val(early.received_at)),
      state: READY_IF_REQUESTED,
      next_attempt_at: sql<number>`case when state = 'requested' then ${early.received_at} else next_attempt_at end`,
    }))
    .where('file_name', '=', fileName)
    .where('kind', '=', kind)
    .execute();
  return true;
}

/**
 * A validly signed callback: kept in the inbox, and the file (when this subgraph asked for it)
 * becomes ready now, unless it was reported before. Answers whether the file is one of ours.
 */
export async function recordCallback(executor: Executor, fileName: string, kind: ExportFileKind, nowMs: number): Promise<boolean> {
  await executor
    .insertInto('callback_inbox')
    .values({ file_name: fileName, kind, received_at: nowMs })
    .onConflict((conflict) => conflict.column('file_name').doNothing())
    .execute();
  const result = await executor
    .updateTable('export_file')
    .set((eb) => ({
      ready_at: eb.fn.coalesce('ready_at', eb.val(nowMs)),
      state: READY_IF_REQUESTED,
      next_attempt_at: sql<number>`case when state = 'requested' then ${nowMs} else next_attempt_at end`,
    }))
    .where('file_name', '=', fileName)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A first successful download makes a requested file ready (readyAt is never moved earlier). */
export async function recordFirstDownload(executor: Executor, fileName: string, kind: ExportFileKind, nowMs: number): Promise<boolean> {
  const result = await executor
    .updateTable('export_file')
    .set((eb) => ({
      ready_at: eb.fn.coalesce('ready_at', eb.val(nowMs)),
      state: READY_IF_REQUESTED,
    }))
    .where('file_name', '=', fileName)
    .where('kind', '=', kind)
    .where('ready_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Claims the recording-index file most overdue for a download, or undefined: a ready file (its
 * callback came) once its next attempt is due; a requested one also only `callbackWaitMs` after
 * its request (the wait in force now, so that a restart with another wait applies it).
 */
export async function claimDueRecordFile(
  executor: Executor,
  dialect: DialectName,
  owner: string,
  nowMs: number,
  leaseMs: number,
  callbackWaitMs: number,
): Promise<ExportFile | undefined> {
  return executor
    .updateTable('export_file')
    .set({ claimed_by: owner, claimed_until: nowMs + leaseMs })
    .where('file_name', '=', (eb) =>
      eb
        .selectFrom('export_file')
        .select('file_name')
        .where('state', 'in', ['requested', 'ready'])
        .where('next_attempt_at', '<=', nowMs)
        .where('kind', '=', 'record')
        .where((w) => w.or([w('state', '=', 'ready'), w('requested_at', '<=', nowMs - callbackWaitMs)]))
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', nowMs)]))
        .orderBy('next_attempt_at')
        .limit(1)
        .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
    )
    .where('state', 'in', ['requested', 'ready'])
    .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', nowMs)]))
    .returningAll()
    .executeTakeFirst();
}

/** The download did not succeed (not there yet, or a transient failure): try again at `nextAttemptAt`. */
export async function markDownloadFailed(executor: Executor, fileName: string, error: string, nextAttemptAt: number): Promise<void> {
  await executor
    .updateTable('export_file')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error, next_attempt_at: nextAttemptAt, claimed_by: null, claimed_until: null }))
    .where('file_name', '=', fileName)
    .execute();
}

/** Given up on this file (its content was refused, or it never appeared). */
export async function markFileFailed(executor: Executor, fileName: string, error: string): Promise<void> {
  await executor
    .updateTable('export_file')
    .set((eb) => ({ state: 'failed', attempts: eb('attempts', '+', 1), last_error: error, claimed_by: null, claimed_until: null }))
    .where('file_name', '=', fileName)
    .where('state', 'in', ['requested', 'ready'])
    .execute();
}

/**
 * First statement of a file's ingestion transaction: locks the file's row (PostgreSQL: another
 * replica's claim skips it, a competing ingestion waits and then finds it ingested). Answers the
 * window of the file, or undefined when the file is no longer to be ingested.
 */
export async function lockFileForIngestion(executor: Executor, fileName: string): Promise<{ windowId: number | null } | undefined> {
  const row = await executor
    .updateTable('export_file')
    .set({ state: 'ready' })
    .where('file_name', '=', fileName)
    .where('state', 'in', ['requested', 'ready'])
    .returning('window_id')
    .executeTakeFirst();
  return row === undefined ? undefined : { windowId: row.window_id };
}

export async function markFileIngested(executor: Executor, fileName: string, at: number, rows: number, skipped: number): Promise<void> {
  await executor
    .updateTable('export_file')
    .set({ state: 'ingested', ingested_at: at, row_count: rows, skipped_rows: skipped, last_error: null, claimed_by: null, claimed_until: null })
    .where('file_name', '=', fileName)
    .execute();
}

export async function exportFileByName(executor: Executor, fileName: string): Promise<ExportFile | undefined> {
  return executor.selectFrom('export_file').selectAll().where('file_name', '=', fileName).executeTakeFirst();
}

/** Inbox entries older than this are of no use any more (a request is stored within seconds). */
export async function pruneCallbackInbox(executor: Executor, olderThanMs: number): Promise<void> {
  await executor.deleteFrom('callback_inbox').where('received_at', '<', olderThanMs).execute();
}
