/**
 * The read side of the recording index, as GraphQL sees it: every read is one query, wrapped so that
 * a driver failure becomes IndexDatabaseError (DATABASE_UNAVAILABLE) and timed per query name.
 */
import type { Kysely } from 'kysely';
import { agentOperationIndexesBetween, readyAtByFileNames, type RequestedAgentOperationIndexEntry } from './agent-operation-indexes.js';
import { databaseOperation } from './index-database-error.js';
import type { ReadTables } from './read-tables.js';
import type { RecordingEntry } from './recording-entry.js';
import { recordingsByCallIds, recordingsByFileNames } from './recordings-by-key.js';
import {
  countRecordings,
  searchRecordingPage,
  type RecordingFilters,
  type RecordingPosition,
  type RecordingSearchPage,
} from './search-recordings.js';

/** How far the ingested index reaches (epoch ms; nulls before the first ingestion). */
export interface RecordingIndexCoverage {
  fromMs: number | null;
  toMs: number | null;
  recordings: number;
  lastIngestedAtMs: number | null;
}

export interface RecordingIndexReader {
  recordingsByCallIds(callIds: readonly string[]): Promise<Map<string, RecordingEntry[]>>;
  /** Keys and answers in slash form. */
  recordingsByFileNames(fileNames: readonly string[]): Promise<Map<string, RecordingEntry>>;
  searchPage(filters: RecordingFilters, first: number, after: RecordingPosition | undefined): Promise<RecordingSearchPage>;
  count(filters: RecordingFilters): Promise<number>;
  coverage(): Promise<RecordingIndexCoverage>;
  agentOperationIndexes(fromDay: string, toDay: string): Promise<RequestedAgentOperationIndexEntry[]>;
  readyAtByFileNames(fileNames: readonly string[]): Promise<Map<string, Date>>;
}

export interface ReadObserver {
  /** Called once per read with its name, duration and outcome. */
  (query: string, seconds: number, outcome: 'ok' | 'error'): void;
}

export interface RecordingIndexReaderOptions {
  db: Kysely<ReadTables>;
  /** The write side's coverage (it owns the tables that know it). */
  coverage: () => Promise<RecordingIndexCoverage>;
  observe?: ReadObserver;
}

export function createRecordingIndexReader(options: RecordingIndexReaderOptions): RecordingIndexReader {
  const { db } = options;
  const observe = options.observe ?? (() => undefined);

  async function read<T>(query: string, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const result = await databaseOperation(query, run);
      outcome = 'ok';
      return result;
    } finally {
      observe(query, Number(process.hrtime.bigint() - started) / 1e9, outcome);
    }
  }

  return {
    recordingsByCallIds: (callIds) => read('recordingsByCallIds', () => recordingsByCallIds(db, callIds)),
    recordingsByFileNames: (fileNames) => read('recordingsByFileNames', () => recordingsByFileNames(db, fileNames)),
    searchPage: (filters, first, after) => read('searchRecordings', () => searchRecordingPage(db, filters, first, after)),
    count: (filters) => read('countRecordings', () => countRecordings(db, filters)),
    coverage: () => read('recordingIndexCoverage', options.coverage),
    agentOperationIndexes: (fromDay, toDay) => read('agentOperationIndexes', () => agentOperationIndexesBetween(db, fromDay, toDay)),
    readyAtByFileNames: (fileNames) => read('readyAtByFileNames', () => readyAtByFileNames(db, fileNames)),
  };
}
