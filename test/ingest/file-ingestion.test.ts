/**
 * One file's ingestion on both databases (the PostgreSQL path goes through COPY): a key the file
 * repeats keeps its last row, values with backslashes, quotes and commas arrive unchanged, a second
 * ingestion of the same file stores nothing, and a file that fails half-way leaves no rows.
 */
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from '@jest/globals';
import yazl from 'yazl';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { insertExportFile } from '../../src/db/export-file-repository.js';
import { ingestRecordingIndexFile } from '../../src/ingest/file-ingestion.js';
import { RECORDING_INDEX_COLUMNS } from '../../src/cc/files/recording-index-row.js';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../support/databases.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

const FILE = '20261120_0123456789abcdef0123456789abcdef.zip';

function csvLine(values: Partial<Record<(typeof RECORDING_INDEX_COLUMNS)[number], string>>): string {
  const base: Record<string, string> = {
    developer: 'dev', account_id: 'acc', cc_id: '1', agent_id: '101', call_id: '1-1', caller_no: '5550100', callee_no: '4000',
    call_begin: '2026-11-20 08:30:00', call_end: '2026-11-20 08:35:00', file_name: '/1/1/a.wav', task_status: '0', task_result: 'success',
    original_file_name: 'Y:\\a\\1.V3', vdn_id: '1', call_type: '0', media_type: '1', user_wanted_skill_id: '2', current_skill_id: '3',
  };
  return RECORDING_INDEX_COLUMNS.map((column) => {
    const value = values[column] ?? base[column] ?? '';
    return /[",\t]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  }).join(',');
}

async function zipOf(text: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(text, 'utf8'), '20261120083000123456_record.csv');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function prepared(kind: DatabaseKind): Promise<DatabaseHandle> {
  const handle = openDatabase(await databases.fresh(kind));
  await migrateToLatest(handle);
  const now = Date.now();
  await insertExportFile(handle.db, { file_name: FILE, kind: 'record', response_id: 'r', request_day: '2026-11-20', from_ms: 0, to_ms: 1, agent_id: null, window_id: null, requested_at: now, next_attempt_at: now });
  return handle;
}

const options = { timeZone: 'UTC', maxUncompressedBytes: 16 * 1024 * 1024, batchSize: 2, now: Date.now };

describe.each(DATABASE_KINDS)('ingesting one file on %s', (kind) => {
  it('keeps the last row of a repeated key and stores backslashes, quotes and commas unchanged; a second ingestion stores nothing', async () => {
    const handle = await prepared(kind);
    try {
      const text = [
        csvLine({ call_id: '1-1', agent_id: 'first' }),
        csvLine({ call_id: '1-2', original_file_name: 'Y:\\b\\2.V3', caller_no: 'back\\slash', callee_no: 'quote"and,comma' }),
        csvLine({ call_id: '1-3', original_file_name: 'Y:\\c\\3.V3' }),
        csvLine({ call_id: '1-1', agent_id: 'last' }),
      ].join('\n');
      const zip = await zipOf(text);
      const result = await ingestRecordingIndexFile(handle, FILE, Readable.from([zip]), options);
      expect(result).toMatchObject({ status: 'ingested', stats: { rows: 4 } });
      const rows = await handle.reader.selectFrom('recording').selectAll().orderBy('call_id').execute();
      expect(rows.map((r) => [r.call_id, r.file_name, r.agent_id])).toEqual([
        ['1-1', 'Y:/a/1.V3', 'last'],
        ['1-2', 'Y:/b/2.V3', '101'],
        ['1-3', 'Y:/c/3.V3', '101'],
      ]);
      expect(rows[1]).toMatchObject({ caller_no: 'back\\slash', callee_no: 'quote"and,comma', begin_time: Date.UTC(2026, 10, 20, 8, 30), source_file: FILE });
      expect((await handle.reader.selectFrom('export_file').selectAll().executeTakeFirstOrThrow()).state).toBe('ingested');

      const again = await ingestRecordingIndexFile(handle, FILE, Readable.from([zip]), options);
      expect(again.status).toBe('not_pending');
    } finally {
      await handle.close();
    }
  });

  it('leaves no row of a file that fails half-way, and the file still to be ingested', async () => {
    const handle = await prepared(kind);
    try {
      const text = Array.from({ length: 2000 }, (_, i) => csvLine({ call_id: `2-${i}`, original_file_name: `Y:\\d\\${i}.V3` })).join('\n');
      const zip = await zipOf(text);
      // Scramble the compressed data two thirds in: the rows before it are read and written first.
      const corrupt = Buffer.from(zip);
      const at = Math.floor(zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) * 0.66);
      for (let i = at; i < at + 64; i++) corrupt[i] = (corrupt[i] ?? 0) ^ 0x5a;
      const chunks = Array.from({ length: Math.ceil(corrupt.length / 4096) }, (_, i) => corrupt.subarray(i * 4096, (i + 1) * 4096));
      let written = 0;
      await expect(
        ingestRecordingIndexFile(handle, FILE, Readable.from(chunks), { ...options, batchSize: 100, onBatchWritten: (n) => (written = n) }),
      ).rejects.toThrow();
      expect(written).toBeGreaterThan(0); // rows had been handed to the database inside the transaction
      expect(await handle.reader.selectFrom('recording').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 0 });
      expect((await handle.reader.selectFrom('export_file').selectAll().executeTakeFirstOrThrow()).state).toBe('requested');
      // The pool is still usable after the rollback.
      const result = await ingestRecordingIndexFile(handle, FILE, Readable.from([zip]), options);
      expect(result.status).toBe('ingested');
    } finally {
      await handle.close();
    }
  });
});
