/**
 * Writes of the `recording` table: batches of index rows, upserted on (call_id, file_name) so that
 * ingesting a file again, or an overlapping window, never duplicates a row (the newer file wins).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DialectName } from './connection.js';
import type { Database, RecordingTable } from './schema.js';

export type Executor = Kysely<Database> | Transaction<Database>;

/** The columns of an index row itself (what the read side selects). */
export const RECORDING_DATA_COLUMNS = [
  'call_id',
  'file_name',
  'agent_id',
  'caller_no',
  'callee_no',
  'begin_time',
  'end_time',
  'call_type',
  'media_type',
  'cc_id',
  'vdn_id',
  'skill_id',
] as const satisfies ReadonlyArray<keyof RecordingTable>;

/** Every column, the write side's bookkeeping included. */
export const RECORDING_COLUMNS = [...RECORDING_DATA_COLUMNS, 'source_file', 'ingested_at'] as const satisfies ReadonlyArray<keyof RecordingTable>;

/** The columns an upsert overwrites: everything but the key. */
export const UPDATED_COLUMNS = RECORDING_COLUMNS.filter((column) => column !== 'call_id' && column !== 'file_name');

/**
 * PostgreSQL types of the columns, for the unnest() form. One statement carries a whole batch as
 * 14 array parameters, whatever the batch size (a multi-row VALUES would need 14 per row).
 */
const PG_ARRAY_TYPES: Record<(typeof RECORDING_COLUMNS)[number], string> = {
  call_id: 'text[]',
  file_name: 'text[]',
  agent_id: 'text[]',
  caller_no: 'text[]',
  callee_no: 'text[]',
  begin_time: 'int8[]',
  end_time: 'int8[]',
  call_type: 'int4[]',
  media_type: 'text[]',
  cc_id: 'text[]',
  vdn_id: 'text[]',
  skill_id: 'text[]',
  source_file: 'text[]',
  ingested_at: 'int8[]',
};

/** The last row wins within one batch (one statement may not touch a row twice on PostgreSQL). */
function lastPerKey(rows: readonly RecordingTable[]): RecordingTable[] {
  const byKey = new Map<string, RecordingTable>();
  for (const row of rows) byKey.set(`${row.call_id}\u0000${row.file_name}`, row);
  return byKey.size === rows.length ? [...rows] : [...byKey.values()];
}

/** SQLite's default limit is 32,766 bound parameters per statement: 14 per row. */
const SQLITE_ROWS_PER_STATEMENT = 2000;

export async function upsertRecordings(executor: Executor, dialect: DialectName, batch: readonly RecordingTable[]): Promise<void> {
  const rows = lastPerKey(batch);
  if (rows.length === 0) return;
  if (dialect === 'postgres') {
    const arrays = RECORDING_COLUMNS.map((column) => sql`${rows.map((row) => row[column])}::${sql.raw(PG_ARRAY_TYPES[column])}`);
    await sql`
      insert into recording (${sql.join(RECORDING_COLUMNS.map((column) => sql.ref(column)))})
      select * from unnest(${sql.join(arrays)})
      on conflict (call_id, file_name) do update set
      ${sql.join(UPDATED_COLUMNS.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))}
    `.execute(executor);
    return;
  }
  for (let start = 0; start < rows.length; start += SQLITE_ROWS_PER_STATEMENT) {
    await executor
      .insertInto('recording')
      .values(rows.slice(start, start + SQLITE_ROWS_PER_STATEMENT))
      .onConflict((conflict) =>
        conflict.columns(['call_id', 'file_name']).doUpdateSet((eb) =>
          Object.fromEntries(UPDATED_COLUMNS.map((column) => [column, eb.ref(`excluded.${column}`)])),
        ),
      )
      .execute();
  }
}

export async function countRecordings(executor: Executor): Promise<number> {
  const { count } = await executor
    .selectFrom('recording')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Rows per prepared multi-row statement (14 parameters each; SQLite allows 32,766). */
const SQLITE_ROWS_PER_PREPARED = 100;
const preparedUpserts = new WeakMap<BetterSqlite3.Database, Map<number, BetterSqlite3.Statement>>();

function preparedUpsert(connection: BetterSqlite3.Database, rows: number): BetterSqlite3.Statement {
  let byCount = preparedUpserts.get(connection);
  if (!byCount) {
    byCount = new Map();
    preparedUpserts.set(connection, byCount);
  }
  let statement = byCount.get(rows);
  if (!statement) {
    const tuple = `(${RECORDING_COLUMNS.map(() => '?').join(', ')})`;
    statement = connection.prepare(
      `insert into recording (${RECORDING_COLUMNS.join(', ')}) values ${Array.from({ length: rows }, () => tuple).join(', ')} ` +
        `on conflict (call_id, file_name) do update set ${UPDATED_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    byCount.set(rows, statement);
  }
  return statement;
}

/**
 * SQLite's fast path: the same upsert through statements prepared once per connection (Kysely
 * compiles and prepares each batch anew). Runs on the writing connection, inside the transaction
 * the caller opened on it through Kysely.
 */
export function upsertRecordingsPrepared(connection: BetterSqlite3.Database, batch: readonly RecordingTable[]): void {
  const rows = lastPerKey(batch);
  let at = 0;
  for (; at + SQLITE_ROWS_PER_PREPARED <= rows.length; at += SQLITE_ROWS_PER_PREPARED) {
    const values: Array<string | number | null> = [];
    for (const row of rows.slice(at, at + SQLITE_ROWS_PER_PREPARED)) for (const column of RECORDING_COLUMNS) values.push(row[column]);
    preparedUpsert(connection, SQLITE_ROWS_PER_PREPARED).run(values);
  }
  const single = preparedUpsert(connection, 1);
  for (; at < rows.length; at++) {
    const row = rows[at];
    if (row) single.run(RECORDING_COLUMNS.map((column) => row[column]));
  }
}
