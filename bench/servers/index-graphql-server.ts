/**
 * The subgraph for the recording-index GraphQL benchmark, wired as src/main.ts wires it (config from
 * the environment, CC clients, the database opened and migrated, src/server.ts), without the
 * ingestion loop (the index is already in the database). INDEX_READER=static answers the index
 * reads from memory instead: the answers to the benchmark's requests (INDEX_SAMPLE), read once from
 * the same database at start. Everything else (HTTP, Apollo, resolvers, loaders, cursors) is the
 * same server, so the two differ only by the database reads.
 */
import { loadConfig } from '../../src/config.js';
import { createCcClients } from '../../src/cc/index.js';
import { openDatabase } from '../../src/db/connection.js';
import { readCoverage } from '../../src/db/coverage.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { RecordingEntry } from '../../src/data/recording-index/recording-entry.js';
import { createRecordingIndexReader, type RecordingIndexReader } from '../../src/data/recording-index/recording-index-reader.js';
import type { RecordingFilters, RecordingSearchPage } from '../../src/data/recording-index/search-recordings.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startServer } from '../../src/server.js';

export interface IndexSample {
  agentId: string;
  fromMs: number;
  toMs: number;
  first: number;
  callIds: string[];
}

/** Filters as searchRecordings builds them, keys in a fixed order. */
function filtersKey(filters: RecordingFilters, first: number): string {
  const plain = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([plain, first]);
}

/** The reader's answers to the sample requests, computed once; anything else answers nothing. */
async function staticReader(real: RecordingIndexReader, sample: IndexSample): Promise<RecordingIndexReader> {
  const filters: RecordingFilters = { fromMs: sample.fromMs, toMs: sample.toMs, agentId: sample.agentId };
  const page = await real.searchPage(filters, sample.first, undefined);
  const count = await real.count(filters);
  const byCall = await real.recordingsByCallIds(sample.callIds);
  const coverage = await real.coverage();
  const pages = new Map<string, RecordingSearchPage>([[filtersKey(filters, sample.first), page]]);
  const counts = new Map<string, number>([[filtersKey(filters, 0), count]]);
  const empty: RecordingSearchPage = { entries: [], hasNextPage: false, endPosition: undefined };
  return {
    recordingsByCallIds: async (callIds) => new Map(callIds.flatMap((id): Array<[string, RecordingEntry[]]> => (byCall.has(id) ? [[id, byCall.get(id) as RecordingEntry[]]] : []))),
    recordingsByFileNames: async () => new Map(),
    searchPage: async (f, first, after) => (after === undefined ? (pages.get(filtersKey(f, first)) ?? empty) : empty),
    count: async (f) => counts.get(filtersKey(f, 0)) ?? 0,
    coverage: async () => coverage,
    agentOperationIndexes: async () => [],
    readyAtByFileNames: async () => new Map(),
  };
}

const config = loadConfig({ ...process.env, RECORDING_INDEX_INTERVAL_SECONDS: '0' });
const logger = createLogger({ level: config.logLevel });
const metrics = createMetrics({ defaultMetrics: true });
const database = openDatabase(config.database, { logger });
await migrateToLatest(database);
const clients = createCcClients(config, { logger, metrics });

let recordingIndex: RecordingIndexReader | undefined;
if (process.env.INDEX_READER === 'static') {
  const sample = JSON.parse(process.env.INDEX_SAMPLE ?? '{}') as IndexSample;
  recordingIndex = await staticReader(createRecordingIndexReader({ db: database.reader, coverage: () => readCoverage(database.reader) }), sample);
}

const server = await startServer(
  { config, ccfs: clients.ccfs, gateway: clients.gateway, logger, metrics, database, ...(recordingIndex ? { recordingIndex } : {}) },
  '127.0.0.1',
);

process.on('SIGTERM', () => {
  void (async () => {
    await server.close(0);
    await clients.close();
    await database.close();
    process.exit(0);
  })();
});
