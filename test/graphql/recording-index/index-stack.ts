/**
 * A subgraph on a real recording-index database (SQLite in a temp directory or the throwaway
 * PostgreSQL), with the simulator; rows are written through the db layer's own upsert (real rows in a
 * real database), and the statements GraphQL sends are counted through db_read_queries_total.
 */
import type { Insertable } from 'kysely';
import { upsertRecordings } from '../../../src/db/recording-repository.js';
import type { RecordingTable } from '../../../src/db/schema.js';
import type { DatabaseKind, TestDatabases } from '../../support/databases.js';
import { startSubgraph, type Subgraph, type SubgraphOptions } from '../../support/subgraph.js';

export interface IndexStack extends Subgraph {
  kind: DatabaseKind;
  /** Writes index rows (upsert on call id + file name). */
  seed(rows: readonly RecordingTable[]): Promise<void>;
  /** SQL statements the read side has sent so far. */
  readQueries(): Promise<number>;
}

export async function startIndexStack(kind: DatabaseKind, databases: TestDatabases, options: SubgraphOptions = {}): Promise<IndexStack> {
  const harness = await startSubgraph({
    ...options,
    database: await databases.fresh(kind),
    // Rows come from the test, not from a schedule.
    env: { RECORDING_INDEX_INTERVAL_SECONDS: '0', ...options.env },
  });
  const { handle } = harness.database;
  return Object.assign(harness, {
    kind,
    seed: (rows: readonly RecordingTable[]) => upsertRecordings(handle.db, handle.dialect, rows),
    async readQueries() {
      const metric = await harness.metrics.dbReadQueries.get();
      return metric.values[0]?.value ?? 0;
    },
  });
}

let sequence = 0;

/** An index row with plausible values; `fields` override them. */
export function indexRow(fields: Partial<RecordingTable> & Pick<RecordingTable, 'call_id' | 'file_name'>): RecordingTable {
  sequence += 1;
  const begin = fields.begin_time ?? Date.UTC(2026, 10, 20, 8, 0, 0) + sequence * 1000;
  const row: Insertable<RecordingTable> = {
    agent_id: '101',
    caller_no: '13800000001',
    callee_no: '600',
    begin_time: begin,
    end_time: begin === null ? null : begin + 90_000,
    call_type: 0,
    media_type: '1',
    cc_id: '1',
    vdn_id: '1',
    skill_id: '3',
    source_file: '20261120_0123456789abcdef0123456789abcdef.zip',
    ingested_at: Date.UTC(2026, 10, 21),
    ...fields,
  };
  return row as RecordingTable;
}
