/**
 * The database layer on both dialects: migrations (twice, and concurrently on PostgreSQL), the
 * recording upsert (no duplicates, last row wins), BIGINT instants as numbers, coverage, and the
 * query plans of the read queries (each uses its index).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrationProvider } from '../../src/db/migrations/index.js';
import { countRecordings, upsertRecordings } from '../../src/db/recording-repository.js';
import { readCoverage } from '../../src/db/coverage.js';
import { META_RECORDING_COUNT, writeMeta, writeMetaOnce } from '../../src/db/ingest-meta-repository.js';
import type { Database, RecordingTable } from '../../src/db/schema.js';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../support/databases.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

async function openMigrated(kind: DatabaseKind): Promise<DatabaseHandle> {
  const handle = openDatabase(await databases.fresh(kind));
  await migrateToLatest(handle);
  return handle;
}

function row(callId: string, fileName: string, overrides: Partial<RecordingTable> = {}): RecordingTable {
  return {
    call_id: callId,
    file_name: fileName,
    agent_id: '101',
    caller_no: '5550100',
    callee_no: '4000',
    begin_time: Date.UTC(2026, 10, 20, 8, 0, 0),
    end_time: Date.UTC(2026, 10, 20, 8, 5, 0),
    call_type: 0,
    media_type: '1',
    cc_id: '1',
    vdn_id: '10',
    skill_id: '3',
    source_file: '20261120_9239cb50a8384bb0ab503441bf089446.zip',
    ingested_at: Date.UTC(2026, 10, 21),
    ...overrides,
  };
}

/** The plan text of a query, with sequential scans discouraged on PostgreSQL (tiny test tables). */
async function planOf(handle: DatabaseHandle, query: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  if (handle.dialect === 'sqlite') {
    const result = await sql.raw<{ detail: string }>(`explain query plan ${inline(query)}`).execute(handle.db);
    return result.rows.map((r) => r.detail).join('\n');
  }
  return handle.db.connection().execute(async (connection: Kysely<Database>) => {
    await sql`set enable_seqscan = off`.execute(connection);
    const result = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${inline(query)}`).execute(connection);
    await sql`reset enable_seqscan`.execute(connection);
    return result.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

/** Parameters inlined as literals (EXPLAIN takes no bind parameters on SQLite's raw path). */
function inline(query: { sql: string; parameters: readonly unknown[] }): string {
  let index = 0;
  return query.sql.replace(/\?|\$\d+/g, () => {
    const value = query.parameters[index++];
    return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  });
}

describe.each(DATABASE_KINDS)('database on %s', (kind) => {
  it('migrates once; a second run applies nothing', async () => {
    const handle = openDatabase(await databases.fresh(kind));
    try {
      expect((await migrateToLatest(handle)).applied).toEqual(Object.keys(await migrationProvider.getMigrations()).sort());
      expect((await migrateToLatest(handle)).applied).toEqual([]);
      expect(await countRecordings(handle.db)).toBe(0);
    } finally {
      await handle.close();
    }
  });

  it('upserts recordings: re-ingesting never duplicates, the last row wins, instants stay numbers', async () => {
    const handle = await openMigrated(kind);
    try {
      await upsertRecordings(handle.db, handle.dialect, [row('1-1', 'Y:/a/1.V3'), row('1-1', 'Y:/a/2.V3'), row('1-2', 'Y:/a/3.V3')]);
      await upsertRecordings(handle.db, handle.dialect, [
        row('1-1', 'Y:/a/1.V3', { agent_id: '202', caller_no: null }),
        row('1-2', 'Y:/a/3.V3', { agent_id: 'first' }),
        row('1-2', 'Y:/a/3.V3', { agent_id: 'last' }), // the same key twice in one batch
      ]);
      expect(await countRecordings(handle.db)).toBe(3);
      const rows = await handle.reader.selectFrom('recording').selectAll().orderBy('file_name').execute();
      expect(rows.map((r) => [r.call_id, r.file_name, r.agent_id, r.caller_no])).toEqual([
        ['1-1', 'Y:/a/1.V3', '202', null],
        ['1-1', 'Y:/a/2.V3', '101', '5550100'],
        ['1-2', 'Y:/a/3.V3', 'last', '5550100'],
      ]);
      expect(rows[0]?.begin_time).toBe(Date.UTC(2026, 10, 20, 8, 0, 0));
      expect(typeof rows[0]?.ingested_at).toBe('number');
    } finally {
      await handle.close();
    }
  });

  it('writes a batch larger than one statement holds on SQLite', async () => {
    const handle = await openMigrated(kind);
    try {
      const batch = Array.from({ length: 4500 }, (_, i) => row(`2-${i}`, `Y:/b/${i}.V3`, { begin_time: i }));
      await upsertRecordings(handle.db, handle.dialect, batch);
      expect(await countRecordings(handle.db)).toBe(4500);
    } finally {
      await handle.close();
    }
  });

  it('answers coverage from the ingested prefix of windows', async () => {
    const handle = await openMigrated(kind);
    try {
      expect(await readCoverage(handle.reader)).toEqual({ fromMs: null, toMs: null, recordings: 0, lastIngestedAtMs: null });
      const window = (id: number, from: number, to: number, state: 'pending' | 'asked' | 'ingested') => ({
        id,
        from_ms: from,
        to_ms: to,
        state,
        attempts: 1,
        next_attempt_at: 0,
        created_at: 0,
      });
      await handle.db.insertInto('index_window').values([window(1, 1000, 5000, 'ingested'), window(2, 4000, 9000, 'asked'), window(3, 8000, 12000, 'ingested')]).execute();
      await handle.db
        .insertInto('export_file')
        .values({ file_name: '20261120_00000000000000000000000000000001.zip', kind: 'record', response_id: 'x', request_day: '2026-11-20', from_ms: 1000, to_ms: 5000, requested_at: 1, state: 'ingested', next_attempt_at: 0, ingested_at: 7777 })
        .execute();
      await writeMeta(handle.db, META_RECORDING_COUNT, '42');
      expect(await readCoverage(handle.reader)).toEqual({ fromMs: 1000, toMs: 5000, recordings: 42, lastIngestedAtMs: 7777 });
      await handle.db.updateTable('index_window').set({ state: 'ingested' }).where('id', '=', 2).execute();
      expect(await readCoverage(handle.reader)).toMatchObject({ fromMs: 1000, toMs: 12000 });
      expect(await writeMetaOnce(handle.db, 'k', 'first')).toBe('first');
      expect(await writeMetaOnce(handle.db, 'k', 'second')).toBe('first');
    } finally {
      await handle.close();
    }
  });

  it('uses an index for each read query of the read side', async () => {
    const handle = await openMigrated(kind);
    try {
      const { reader } = handle;
      const plans = {
        byCallIds: await planOf(handle, reader.selectFrom('recording').selectAll().where('call_id', 'in', ['1-1', '1-2']).orderBy('begin_time').orderBy('file_name').compile()),
        byFileNames: await planOf(handle, reader.selectFrom('recording').selectAll().where('file_name', 'in', ['Y:/a/1.V3', 'Y:/a/2.V3']).compile()),
        searchPage: await planOf(
          handle,
          reader
            .selectFrom('recording')
            .selectAll()
            .where('begin_time', '>=', 1000)
            .where('begin_time', '<', 9000)
            .where((eb) => eb(eb.refTuple('begin_time', 'call_id', 'file_name'), '<', eb.tuple(5000, '1-1', 'Y:/a/1.V3')))
            .orderBy('begin_time', 'desc')
            .orderBy('call_id', 'desc')
            .orderBy('file_name', 'desc')
            .limit(101)
            .compile(),
        ),
        searchByAgent: await planOf(
          handle,
          reader.selectFrom('recording').selectAll().where('agent_id', '=', '101').where('begin_time', '>=', 1000).where('begin_time', '<', 9000).orderBy('begin_time', 'desc').limit(101).compile(),
        ),
        agentOperationIndexes: await planOf(
          handle,
          reader.selectFrom('export_file').selectAll().where('kind', '=', 'agent_opr').where('request_day', '>=', '2026-11-01').where('request_day', '<=', '2026-11-30').orderBy('request_day', 'desc').compile(),
        ),
      };
      const pkIndex = kind === 'sqlite' ? 'sqlite_autoindex_recording_1' : 'recording_pk';
      expect(plans.byCallIds).toContain(pkIndex);
      expect(plans.byFileNames).toContain('recording_by_file');
      expect(plans.searchPage).toContain('recording_by_begin');
      expect(plans.searchByAgent).toMatch(/recording_by_agent_(begin|keyset)/);
      expect(plans.agentOperationIndexes).toContain('export_file_by_kind_day');
    } finally {
      await handle.close();
    }
  });
});

describe('database on postgres, several replicas', () => {
  it('migrates from two replicas at once: one applies, the other waits and finds nothing to do', async () => {
    const config = await databases.fresh('postgres');
    const [a, b] = [openDatabase(config), openDatabase(config)];
    try {
      const outcomes = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
      const all = Object.keys(await migrationProvider.getMigrations()).length;
      expect(outcomes.map((o) => o.applied.length).sort()).toEqual([0, all]);
      expect(await countRecordings(b.db)).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
