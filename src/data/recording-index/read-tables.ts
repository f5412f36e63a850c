/**
 * The columns the read side uses, as Kysely table types: the write side owns the tables, their
 * migrations and the full types (src/db/schema.ts); reads see only what they select.
 * Instants are epoch milliseconds (UTC).
 */
import type { ExportFileTable, RecordingTable } from '../../db/schema.js';

export type RecordingReadTable = Omit<RecordingTable, 'source_file' | 'ingested_at'>;

export type ExportFileReadTable = Pick<ExportFileTable, 'file_name' | 'kind' | 'request_day' | 'requested_at' | 'ready_at'>;

export interface ReadTables {
  recording: RecordingReadTable;
  export_file: ExportFileReadTable;
}
