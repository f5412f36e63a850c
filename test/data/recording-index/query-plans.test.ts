/**
 * The read side's queries use the indexes, on both databases: each query is compiled exactly as the
 * data layer sends it, then EXPLAINed on a migrated database of 20,000 rows (SQLite: EXPLAIN QUERY
 * PLAN; PostgreSQL: EXPLAIN (FORMAT JSON) after ANALYZE). A full scan or a sort of the whole range
 * where an index should serve fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CompiledQuery, sql, type Insertable, type Kysely } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../../src/db/connection.js';
import { migrateToLatest } from '../../../src/db/migrate.js';
import { upsertRecordings } from '../../../src/db/recording-repository.js';
import type { ExportFileTable, RecordingTable } from '../../../src/db/schema.js';
import type { ReadTables } from '../../../src/data/recording-index/read-tables.js';
import { recordingsByCallIdsQuery, recordingsByFileNamesQuery } from '../../../src/data/recording-index/recordings-by-key.js';
import { countQuery, searchPageQuery, type RecordingFilters } from '../../../src/data/recording-index/search-recordings.js';
import { agentOperationIndexesQuery, readyAtQuery } from '../../../src/data/recording-index/agent-operation-indexes.js';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../../support/databases.js';

const ROWS = 20_000;
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 1);
const AGENTS = 200;

function seedRows(): RecordingTable[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const begin = T0 + Math.floor((i * 30 * DAY) / ROWS);
    return {
      call_id: `${Math.floor(begin / 1000)}-${i}`,
      file_name: `Y:/1/0/20261101/${100 + (i % AGENTS)}/${1_000_000 + i}.V3`,
      agent_id: String(100 + (i % AGENTS)),
      caller_no: `1380000${i % 2000}`,
      callee_no: `6${i % 500}`,
      begin_time: begin,
      end_time: begin + 60_000,
      call_type: i % 15,
      media_type: '1',
      cc_id: '1',
      vdn_id: '1',
      skill_id: String(i % 7),
      source_file: '20261101_00000000000000000000000000000001.zip',
      ingested_at: T0,
    };
  });
}

function exportFiles(): Array<Insertable<ExportFileTable>> {
  return Array.from({ length: 2000 }, (_, i) => ({
    file_name: `202611${String(1 + (i % 28)).padStart(2, '0')}_${i.toString(16).padStart(32, '0')}.zip`,
    kind: i % 2 === 0 ? 'agent_opr' : 'record',
    response_id: i.toString(16).padStart(32, '0'),
    request_day: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
    from_ms: T0,
    to_ms: T0 + DAY,
    agent_id: null,
    window_id: null,
    requested_at: T0 + i,
    ready_at: i % 3 === 0 ? null : T0 + i + 1000,
    state: 'ready',
    attempts: 0,
    next_attempt_at: T0,
    last_error: null,
    claimed_by: null,
    claimed_until: null,
    ingested_at: null,
    row_count: null,
    skipped_rows: null,
  }));
}

interface Compilable {
  compile(): CompiledQuery;
}

/** The plan as text: SQLite's detail lines, or PostgreSQL's JSON plan. */
async function planOf(handle: DatabaseHandle, query: Compilable): Promise<string> {
  const compiled = query.compile();
  if (handle.dialect === 'sqlite') {
    const result = await handle.reader.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    return result.rows.map((row) => row.detail).join('\n');
  }
  const result = await handle.reader.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]));
  return JSON.stringify(result.rows[0]?.['QUERY PLAN']);
}

const databases = testDatabases();
afterAll(() => databases.cleanup());

describe.each(DATABASE_KINDS)('query plans on %s', (kind: DatabaseKind) => {
  let handle: DatabaseHandle;
  let reader: Kysely<ReadTables>;

  beforeAll(async () => {
    handle = openDatabase(await databases.fresh(kind));
    await migrateToLatest(handle);
    const rows = seedRows();
    for (let start = 0; start < rows.length; start += 5000) await upsertRecordings(handle.db, handle.dialect, rows.slice(start, start + 5000));
    const files = exportFiles();
    for (let start = 0; start < files.length; start += 500) await handle.db.insertInto('export_file').values(files.slice(start, start + 500)).execute();
    await sql`analyze`.execute(handle.db);
    reader = handle.reader;
  }, 120_000);

  afterAll(() => handle?.close());

  /** No full scan of the table, and the named index in use. */
  function expectIndexed(plan: string, index: RegExp): void {
    expect(plan).toMatch(index);
    if (kind === 'sqlite') expect(plan).not.toMatch(/^SCAN recording\b/m);
    else expect(plan).not.toContain('Seq Scan');
  }

  /** The index gives the rows in the requested order: no sort of the matching rows. */
  function expectNoSort(plan: string): void {
    if (kind === 'sqlite') expect(plan).not.toContain('TEMP B-TREE');
    else expect(plan).not.toMatch(/"Node Type":"(Sort|Incremental Sort)"/);
  }

  const oneDay: RecordingFilters = { fromMs: T0 + 10 * DAY, toMs: T0 + 11 * DAY };
  const after = { beginMs: T0 + 10 * DAY + 12 * 3600_000, callId: '1793000000-5000', fileName: 'Y:/1/0/20261101/100/1005000.V3' };

  it('Call.recordings: the primary key', async () => {
    const plan = await planOf(handle, recordingsByCallIdsQuery(reader, ['1793000000-1', '1793000000-2']));
    expectIndexed(plan, kind === 'sqlite' ? /sqlite_autoindex_recording_1|recording_pk/ : /recording_pk/);
  });

  it('Recording index fields: recording_by_file', async () => {
    const plan = await planOf(handle, recordingsByFileNamesQuery(reader, ['Y:/1/0/20261101/100/1000000.V3', 'Y:/1/0/x.V3']));
    expectIndexed(plan, /recording_by_file/);
  });

  it('searchRecordings over one day, first and next page: recording_by_begin in order', async () => {
    for (const position of [undefined, after]) {
      const plan = await planOf(handle, searchPageQuery(reader, oneDay, 100, position));
      expectIndexed(plan, /recording_by_begin/);
      expectNoSort(plan);
    }
  });

  it('searchRecordings of one agent: recording_by_agent_keyset (in order on SQLite)', async () => {
    for (const position of [undefined, after]) {
      const plan = await planOf(handle, searchPageQuery(reader, { ...oneDay, agentId: '101' }, 100, position));
      expectIndexed(plan, /recording_by_agent_keyset/);
      // PostgreSQL may prefer a bitmap scan of the agent's few rows of the day and sort those.
      if (kind === 'sqlite') expectNoSort(plan);
    }
  });

  it('searchRecordings by caller or callee number over 31 days: their indexes', async () => {
    const month: RecordingFilters = { fromMs: T0, toMs: T0 + 31 * DAY };
    expectIndexed(await planOf(handle, searchPageQuery(reader, { ...month, callerNumber: '13800001' }, 100, undefined)), /recording_by_caller/);
    expectIndexed(await planOf(handle, searchPageQuery(reader, { ...month, calleeNumber: '61' }, 100, undefined)), /recording_by_callee/);
  });

  it('searchRecordings by call id: the primary key', async () => {
    const plan = await planOf(handle, searchPageQuery(reader, { fromMs: T0, toMs: T0 + 31 * DAY, callId: '1793000000-1' }, 100, undefined));
    expectIndexed(plan, kind === 'sqlite' ? /sqlite_autoindex_recording_1|recording_pk/ : /recording_pk/);
  });

  it('totalCount: an index range, never the table', async () => {
    expectIndexed(await planOf(handle, countQuery(reader, oneDay)), /recording_by_begin/);
    expectIndexed(await planOf(handle, countQuery(reader, { ...oneDay, agentId: '101' })), /recording_by_agent_keyset/);
  });

  it('agentOperationIndexes and readyAt: export_file indexes', async () => {
    expectIndexed(await planOf(handle, agentOperationIndexesQuery(reader, '2026-11-03', '2026-11-05')), /export_file_by_kind_day/);
    const names = ['20261101_00000000000000000000000000000000.zip', '20261103_00000000000000000000000000000002.zip'];
    expectIndexed(await planOf(handle, readyAtQuery(reader, names)), kind === 'sqlite' ? /sqlite_autoindex_export_file_1/ : /export_file_pkey/);
  });
});
