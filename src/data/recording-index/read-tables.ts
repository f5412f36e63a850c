/**
 * The columns the read side uses, as Kysely table types (the write side owns the tables, their
 * migrations and the full types in src/db). Instants are epoch milliseconds (UTC).
 */
export interface RecordingReadTable {
  call_id: string;
  file_name: string;
  agent_id: string | null;
  caller_no: string | null;
  callee_no: string | null;
  begin_time: number | null;
  end_time: number | null;
  call_type: number | null;
  media_type: string | null;
  cc_id: string | null;
  vdn_id: string | null;
  skill_id: string | null;
}

export interface ExportFileReadTable {
  file_name: string;
  kind: string;
  request_day: string;
  requested_at: number;
  ready_at: number | null;
}

export interface ReadTables {
  recording: RecordingReadTable;
  export_file: ExportFileReadTable;
}
