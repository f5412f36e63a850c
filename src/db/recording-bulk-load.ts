/**
 * PostgreSQL's fast path for a whole recording-index file, inside the caller's transaction: rows
 * stream into a temporary table with COPY (pg-copy-streams; no indexes, no conflict checks), then
 * one INSERT … SELECT … ON CONFLICT merges them into `recording`. The merge keeps the last row of a
 * key that the file repeats (a second pass with DISTINCT ON, only when the first meets one).
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { RECORDING_COLUMNS, UPDATED_COLUMNS } from './recording-repository.js';
import type { Database, RecordingTable } from './schema.js';

export interface RecordingBulkLoad {
  /** Queues rows (resolves once the COPY stream can take more). */
  write(rows: readonly RecordingTable[]): Promise<void>;
  /** Ends the COPY and merges the rows into `recording`. */
  finish(): Promise<void>;
  /** Ends the COPY on a failure (the caller rolls back). */
  abort(error: Error): void;
}

const LOAD_TABLE = 'recording_load';
const COLUMNS = [...RECORDING_COLUMNS, 'ord'] as const;

/** COPY text format: tab-separated, `\N` for null, backslash escapes for \, tab, LF, CR. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}

const CARDINALITY_VIOLATION = '21000';

export async function startRecordingBulkLoad(client: pg.PoolClient, trx: Kysely<Database>): Promise<RecordingBulkLoad> {
  await client.query(`create temp table ${LOAD_TABLE} (like recording) on commit drop`);
  await client.query(`alter table ${LOAD_TABLE} add column ord bigint`);
  const copy = client.query(copyFrom(`copy ${LOAD_TABLE} (${COLUMNS.join(', ')}) from stdin`));
  let failure: Error | undefined;
  copy.on('error', (error: Error) => {
    failure ??= error;
  });
  let ord = 0;

  const merge = async (distinct: boolean) => {
    const columns = sql.join(RECORDING_COLUMNS.map((column) => sql.ref(column)));
    const updates = sql.join(
      UPDATED_COLUMNS.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`),
    );
    const source = distinct
      ? sql`select distinct on (call_id, file_name) ${columns} from ${sql.table(LOAD_TABLE)} order by call_id, file_name, ord desc`
      : sql`select ${columns} from ${sql.table(LOAD_TABLE)}`;
    await sql`insert into recording (${columns}) ${source} on conflict (call_id, file_name) do update set ${updates}`.execute(trx);
  };

  return {
    async write(rows) {
      if (failure) throw failure;
      let text = '';
      for (const row of rows) {
        ord += 1;
        for (const column of RECORDING_COLUMNS) text += copyField(row[column]) + '\t';
        text += `${ord}\n`;
      }
      if (!copy.write(text)) await Promise.race([once(copy, 'drain'), once(copy, 'error')]);
      if (failure) throw failure;
    },
    async finish() {
      copy.end();
      await finished(copy);
      if (failure) throw failure;
      await client.query('savepoint recording_merge');
      try {
        await merge(false);
      } catch (error) {
        if ((error as { code?: unknown }).code !== CARDINALITY_VIOLATION) throw error;
        // The file names a key twice: keep its last row.
        await client.query('rollback to savepoint recording_merge');
        await merge(true);
      }
      await client.query('release savepoint recording_merge');
    },
    abort(error) {
      if (!copy.destroyed) copy.destroy(error);
    },
  };
}
