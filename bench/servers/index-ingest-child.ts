/**
 * The subgraph's own ingestion of one recording-index zip, in a process of its own (so the
 * benchmark reads its RSS from outside): `prepare` opens and migrates the database named by
 * DATABASE_URL (else SQLite in DATA_DIR) and records the file as asked for, as the ingester does;
 * `ingest` streams the zip from disk through ingestRecordingIndexFile, exactly the function that
 * ingests a downloaded file, with the ingester's batch size.
 */
import { createReadStream } from 'node:fs';
import type { DatabaseConfig } from '../../src/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import { insertExportFile } from '../../src/db/export-file-repository.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ingestRecordingIndexFile } from '../../src/ingest/file-ingestion.js';
import { serveRpc } from '../lib/rpc.js';

/** The ingester's default (src/ingest/recording-index-ingester.ts). */
const BATCH_SIZE = 2000;

const config: DatabaseConfig = { url: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR ?? './data' };
let handle: DatabaseHandle | undefined;

export interface IngestFigures {
  rows: number;
  skipped: number;
  seconds: number;
}

serveRpc(
  { pid: process.pid },
  {
    async prepare(billFileName: string) {
      handle = openDatabase(config);
      await migrateToLatest(handle);
      const now = Date.now();
      await insertExportFile(handle.db, {
        file_name: billFileName,
        kind: 'record',
        response_id: billFileName.slice(9, 41),
        request_day: '2026-10-31',
        from_ms: 0,
        to_ms: 0,
        agent_id: null,
        window_id: null,
        requested_at: now,
        next_attempt_at: now,
      });
      return true;
    },
    async ingest(billFileName: string, zipPath: string, timeZone: string): Promise<IngestFigures> {
      if (!handle) throw new Error('prepare first');
      const started = performance.now();
      const result = await ingestRecordingIndexFile(handle, billFileName, createReadStream(zipPath), {
        timeZone,
        maxUncompressedBytes: 4 * 2 ** 30,
        batchSize: BATCH_SIZE,
        now: Date.now,
      });
      const seconds = (performance.now() - started) / 1000;
      if (result.status !== 'ingested') throw new Error(`the file was not ingested (${result.status})`);
      return { rows: result.stats.rows, skipped: result.skipped, seconds };
    },
    async close() {
      await handle?.close();
      handle = undefined;
      return true;
    },
  },
);
