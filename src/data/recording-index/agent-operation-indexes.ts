/**
 * Agent operation index zips that this subgraph asked the CC-FS for (export_file rows of kind
 * `agent_opr`): the list by request day, and when each was reported ready.
 */
import type { Kysely } from 'kysely';
import type { ReadTables } from './read-tables.js';

export const AGENT_OPERATION_KIND = 'agent_opr';

export interface RequestedAgentOperationIndexEntry {
  fileName: string;
  /** yyyy-MM-dd in CC_TIME_ZONE: the yyyyMMdd of the file name. */
  requestDay: string;
  readyAt: Date | null;
}

/** The list query (exported for the query-plan test). */
export function agentOperationIndexesQuery(db: Kysely<ReadTables>, fromDay: string, toDay: string) {
  return db
    .selectFrom('export_file')
    .select(['file_name', 'request_day', 'ready_at'])
    .where('kind', '=', AGENT_OPERATION_KIND)
    .where('request_day', '>=', fromDay)
    .where('request_day', '<=', toDay)
    .orderBy('request_day', 'desc')
    .orderBy('requested_at', 'desc')
    .orderBy('file_name', 'desc');
}

/** Request days in [fromDay, toDay] (yyyy-MM-dd, both included), newest first. */
export async function agentOperationIndexesBetween(
  db: Kysely<ReadTables>,
  fromDay: string,
  toDay: string,
): Promise<RequestedAgentOperationIndexEntry[]> {
  const rows = await agentOperationIndexesQuery(db, fromDay, toDay).execute();
  return rows.map((row) => ({
    fileName: row.file_name,
    requestDay: row.request_day,
    readyAt: row.ready_at === null ? null : new Date(Number(row.ready_at)),
  }));
}

export function readyAtQuery(db: Kysely<ReadTables>, fileNames: readonly string[]) {
  return db
    .selectFrom('export_file')
    .select(['file_name', 'ready_at'])
    .where('kind', '=', AGENT_OPERATION_KIND)
    .where('file_name', 'in', fileNames)
    .where('ready_at', 'is not', null);
}

/** Each requested file name → when it was reported ready (absent: not requested here, or not ready). */
export async function readyAtByFileNames(db: Kysely<ReadTables>, fileNames: readonly string[]): Promise<Map<string, Date>> {
  const readyAt = new Map<string, Date>();
  const distinct = [...new Set(fileNames)];
  if (distinct.length === 0) return readyAt;
  const rows = await readyAtQuery(db, distinct).execute();
  for (const row of rows) if (row.ready_at !== null) readyAt.set(row.file_name, new Date(Number(row.ready_at)));
  return readyAt;
}
