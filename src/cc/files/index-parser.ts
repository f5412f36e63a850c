/**
 * An agent operation index zip (a stream from downloadAgentOprInfoFile) → its rows. The zip is read
 * as a stream (unzipper) and each `…agentOprInfo[_N].csv` entry is parsed as a stream (csv-parse),
 * with or without a header row; other entries are skipped. Nothing but the parsed rows is held.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { isHeaderRecord, toAgentOperationRow, type AgentOperationRow } from './agent-operation-row.js';
import { entryBaseName, forEachZipEntry } from './zip-entries.js';

export { IndexTooLargeError } from './zip-entries.js';

export interface ParseIndexOptions {
  /** CC_TIME_ZONE: the zone of the CSV times. */
  timeZone: string;
  /** Refuse zips that inflate to more CSV than this (a zip bomb, or a file far too large to cache). */
  maxUncompressedBytes: number;
}

export interface ParsedIndex {
  rows: AgentOperationRow[];
  /** How many agentOprInfo CSV entries the zip held. */
  csvEntries: number;
  /** Records skipped because they had no id. */
  skippedRecords: number;
}

export function isAgentOprInfoCsv(entryPath: string): boolean {
  return /agentOprInfo.*\.csv$/i.test(entryBaseName(entryPath));
}

export async function parseAgentOperationIndexZip(zip: Readable, options: ParseIndexOptions): Promise<ParsedIndex> {
  const result: ParsedIndex = { rows: [], csvEntries: 0, skippedRecords: 0 };
  await forEachZipEntry(zip, { accept: isAgentOprInfoCsv, maxUncompressedBytes: options.maxUncompressedBytes }, async (entry) => {
    result.csvEntries += 1;
    await pipeline(
      entry,
      parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }),
      async (records: AsyncIterable<string[]>) => {
        let first = true;
        for await (const record of records) {
          const header = first && isHeaderRecord(record);
          first = false;
          if (header) continue;
          const row = toAgentOperationRow(record, options.timeZone);
          if (row) result.rows.push(row);
          else result.skippedRecords += 1;
        }
      },
    );
  });
  return result;
}
