/**
 * The recordings of many calls, or of many file names, in one query each (the DataLoaders of
 * src/graphql/loaders call these once per batch). Keys are deduplicated; no key, no query.
 */
import type { Kysely } from 'kysely';
import type { ReadTables } from './read-tables.js';
import { RECORDING_COLUMNS, toRecordingEntry, type RecordingEntry } from './recording-entry.js';

/** The query of recordingsByCallIds (exported for the query-plan test). */
export function recordingsByCallIdsQuery(db: Kysely<ReadTables>, callIds: readonly string[]) {
  return db
    .selectFrom('recording')
    .select(RECORDING_COLUMNS)
    .where('call_id', 'in', callIds)
    .orderBy('call_id')
    .orderBy('begin_time', (order) => order.asc().nullsLast())
    .orderBy('file_name');
}

/** Each call id → its recordings by begin_time (unknown times last), then file_name. */
export async function recordingsByCallIds(db: Kysely<ReadTables>, callIds: readonly string[]): Promise<Map<string, RecordingEntry[]>> {
  const byCall = new Map<string, RecordingEntry[]>();
  const distinct = [...new Set(callIds)];
  if (distinct.length === 0) return byCall;
  const rows = await recordingsByCallIdsQuery(db, distinct).execute();
  for (const row of rows) {
    const entries = byCall.get(row.call_id);
    const entry = toRecordingEntry(row);
    if (entries) entries.push(entry);
    else byCall.set(row.call_id, [entry]);
  }
  return byCall;
}

/** The query of recordingsByFileNames (exported for the query-plan test). */
export function recordingsByFileNamesQuery(db: Kysely<ReadTables>, fileNames: readonly string[]) {
  return db
    .selectFrom('recording')
    .select(RECORDING_COLUMNS)
    .where('file_name', 'in', fileNames)
    .orderBy('file_name')
    .orderBy('begin_time', (order) => order.asc().nullsLast())
    .orderBy('call_id');
}

/**
 * Each slash-form file name → its index row. A file listed under several calls (the same recording
 * in two rows) resolves to the earliest call, then the smallest call id, so the answer is stable.
 */
export async function recordingsByFileNames(db: Kysely<ReadTables>, fileNames: readonly string[]): Promise<Map<string, RecordingEntry>> {
  const byName = new Map<string, RecordingEntry>();
  const distinct = [...new Set(fileNames)];
  if (distinct.length === 0) return byName;
  const rows = await recordingsByFileNamesQuery(db, distinct).execute();
  for (const row of rows) {
    if (!byName.has(row.file_name)) byName.set(row.file_name, toRecordingEntry(row));
  }
  return byName;
}
