/**
 * A recording index zip (a stream from downloadBillFile) → batches of rows, as the bytes arrive.
 * Each `…_record[_N].csv` entry is split into lines and parsed line by line, with or without a
 * header row; other entries (`…_call.csv` of a call_record export) are skipped. A bad line is
 * skipped and counted by reason, never logged; the rest of the file goes on. `onBatch` is awaited
 * before more bytes are read, so memory stays flat whatever the file's size.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseCsvLine, splitLines, type CsvLine } from './csv-lines.js';
import { isRecordingIndexHeader, toRecordingIndexRow, SKIP_REASONS, type RecordingIndexRow, type SkipReason } from './recording-index-row.js';
import { entryBaseName, forEachZipEntry } from './zip-entries.js';

export interface RecordingIndexReadOptions {
  /** CC_TIME_ZONE: the zone of call_begin / call_end. */
  timeZone: string;
  /** The zip may inflate to at most this many bytes (IndexTooLargeError past it). */
  maxUncompressedBytes: number;
  /** Rows per onBatch call. */
  batchSize: number;
  /** A longer line is skipped as line_too_long without being assembled. Default 64 KiB. */
  maxLineBytes?: number;
}

export interface RecordingIndexReadStats {
  /** `…_record…csv` entries read. */
  csvEntries: number;
  /** Rows handed to onBatch. */
  rows: number;
  skipped: Record<SkipReason, number>;
}

export function isRecordIndexCsv(entryPath: string): boolean {
  return /_record(_\d+)?\.csv$/i.test(entryBaseName(entryPath));
}

export function skippedTotal(stats: RecordingIndexReadStats): number {
  return SKIP_REASONS.reduce((sum, reason) => sum + stats.skipped[reason], 0);
}

export async function readRecordingIndexZip(
  zip: Readable,
  options: RecordingIndexReadOptions,
  onBatch: (rows: RecordingIndexRow[]) => Promise<void>,
): Promise<RecordingIndexReadStats> {
  const stats: RecordingIndexReadStats = {
    csvEntries: 0,
    rows: 0,
    skipped: Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>,
  };
  let batch: RecordingIndexRow[] = [];
  const skip = (reason: SkipReason) => {
    stats.skipped[reason] += 1;
  };
  // When the zip fails, pipeline() settles at once while the line consumer may still be awaiting
  // onBatch. This function settles only after that batch is done, and starts no batch after a
  // failure, so a caller's transaction never ends with a write still on its way.
  let settled = false;
  let inFlight: Promise<void> = Promise.resolve();
  const deliver = (rows: RecordingIndexRow[]): Promise<void> => {
    if (settled) return Promise.reject(new Error('the recording index read has ended'));
    inFlight = onBatch(rows);
    return inFlight;
  };

  const readEntries = async (): Promise<void> => {
    await forEachZipEntry(zip, { accept: isRecordIndexCsv, maxUncompressedBytes: options.maxUncompressedBytes }, async (entry) => {
      stats.csvEntries += 1;
      await pipeline(entry, splitLines(options.maxLineBytes ?? 64 * 1024), async (lines: AsyncIterable<CsvLine>) => {
        let first = true;
        for await (const line of lines) {
          if (line.kind === 'tooLong') {
            first = false;
            skip('line_too_long');
            continue;
          }
          if (line.text.trim() === '') continue;
          const fields = parseCsvLine(line.text);
          if (fields === 'broken_quoting') {
            first = false;
            skip('broken_quoting');
            continue;
          }
          const header = first && isRecordingIndexHeader(fields);
          first = false;
          if (header) continue;
          const row = toRecordingIndexRow(fields, options.timeZone);
          if (typeof row === 'string') {
            skip(row);
            continue;
          }
          batch.push(row);
          stats.rows += 1;
          if (batch.length >= options.batchSize) {
            const full = batch;
            batch = [];
            await deliver(full);
          }
        }
      });
    });
    if (batch.length > 0) await deliver(batch);
  };

  try {
    await readEntries();
  } finally {
    settled = true;
    await inFlight.catch(() => undefined);
  }
  return stats;
}
