/**
 * The `index_window` table: windows of the recording index, planned in order, asked of the CC-FS,
 * and ingested. Work on a window is claimed (claimed_by / claimed_until) so that among several
 * replicas one asks it; on PostgreSQL the claim skips rows another replica holds locked.
 */
import type { Selectable } from 'kysely';
import type { DialectName } from './connection.js';
import type { Executor } from './recording-repository.js';
import type { IndexWindowTable } from './schema.js';

export type IndexWindow = Selectable<IndexWindowTable>;

export async function lastWindow(executor: Executor): Promise<IndexWindow | undefined> {
  return executor.selectFrom('index_window').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function insertWindows(executor: Executor, windows: ReadonlyArray<Pick<IndexWindow, 'id' | 'from_ms' | 'to_ms' | 'next_attempt_at' | 'created_at'>>): Promise<void> {
  if (windows.length === 0) return;
  await executor
    .insertInto('index_window')
    .values(windows.map((window) => ({ ...window, state: 'pending' as const })))
    .execute();
}

/** Claims the oldest window due to be asked, or undefined. */
export async function claimDueWindow(executor: Executor, dialect: DialectName, owner: string, nowMs: number, leaseMs: number): Promise<IndexWindow | undefined> {
  return executor
    .updateTable('index_window')
    .set({ claimed_by: owner, claimed_until: nowMs + leaseMs })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('index_window')
        .select('id')
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', nowMs)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', nowMs)]))
        .orderBy('id')
        .limit(1)
        .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
    )
    // Checked again on the row itself: under PostgreSQL's READ COMMITTED a competing claim that
    // committed first is seen here and this update then changes nothing.
    .where('state', '=', 'pending')
    .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', nowMs)]))
    .returningAll()
    .executeTakeFirst();
}

export async function markWindowAsked(executor: Executor, id: number, billFileName: string, askedAt: number): Promise<void> {
  await executor
    .updateTable('index_window')
    .set((eb) => ({
      state: 'asked',
      attempts: eb('attempts', '+', 1),
      bill_file_name: billFileName,
      asked_at: askedAt,
      last_error: null,
      claimed_by: null,
      claimed_until: null,
    }))
    .where('id', '=', id)
    .execute();
}

/** The ask failed: try again at `nextAttemptAt`. */
export async function markWindowAskFailed(executor: Executor, id: number, error: string, nextAttemptAt: number): Promise<void> {
  await executor
    .updateTable('index_window')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error, next_attempt_at: nextAttemptAt, claimed_by: null, claimed_until: null }))
    .where('id', '=', id)
    .execute();
}

/** Its file could not be ingested: ask the window again at `nextAttemptAt` (it is never skipped). */
export async function reopenWindow(executor: Executor, id: number, error: string, nextAttemptAt: number): Promise<void> {
  await executor
    .updateTable('index_window')
    .set({ state: 'pending', bill_file_name: null, last_error: error, next_attempt_at: nextAttemptAt, claimed_by: null, claimed_until: null })
    .where('id', '=', id)
    .where('state', '=', 'asked')
    .execute();
}

export async function markWindowIngested(executor: Executor, id: number, at: number, rows: number, skipped: number): Promise<void> {
  await executor
    .updateTable('index_window')
    .set({ state: 'ingested', ingested_at: at, row_count: rows, skipped_rows: skipped, last_error: null, claimed_by: null, claimed_until: null })
    .where('id', '=', id)
    .execute();
}

export async function windowById(executor: Executor, id: number): Promise<IndexWindow | undefined> {
  return executor.selectFrom('index_window').selectAll().where('id', '=', id).executeTakeFirst();
}
