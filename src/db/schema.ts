import type { Generated } from 'kysely';

/**
 * The tables of the recording index, as Kysely sees them (the shape agreed in the project notes:
 * docs/recording-index.md). Every instant is epoch milliseconds (UTC) in a BIGINT / INTEGER column,
 * the same in both dialects; ids stay text.
 */

/** One row per (call_id, file_name) of the ingested recording index. */
export interface RecordingTable {
  call_id: string;
  /** original_file_name in slash form (backslashes → '/'). */
  file_name: string;
  agent_id: string | null;
  caller_no: string | null;
  callee_no: string | null;
  /** call_begin, CC_TIME_ZONE → UTC. */
  begin_time: number | null;
  end_time: number | null;
  call_type: number | null;
  media_type: string | null;
  cc_id: string | null;
  vdn_id: string | null;
  /** current_skill_id */
  skill_id: string | null;
  /** The bill file (zip) the row came from. */
  source_file: string;
  ingested_at: number;
}

export type IndexWindowState = 'pending' | 'asked' | 'ingested';

/**
 * A window of the recording index asked of the CC-FS (queryBillData, dataType record). Ids are
 * assigned in order (1, 2, …) under a lock: coverage is the prefix of ingested windows.
 */
export interface IndexWindowTable {
  id: number;
  from_ms: number;
  to_ms: number;
  /** pending: to be asked (again) at next_attempt_at; asked: its file is expected; ingested: done. */
  state: IndexWindowState;
  /** queryBillData calls made for this window (a re-ask after a failed file counts too). */
  attempts: Generated<number>;
  next_attempt_at: number;
  /** The file of the current ask (export_file.file_name), while asked. */
  bill_file_name: string | null;
  asked_at: number | null;
  /** Why the last attempt failed (no row content, no secret). */
  last_error: string | null;
  /** The replica working on it and until when its claim holds. */
  claimed_by: string | null;
  claimed_until: number | null;
  ingested_at: number | null;
  row_count: number | null;
  skipped_rows: number | null;
  created_at: number;
}

export type ExportFileKind = 'record' | 'agent_opr';
/** requested: asked, not reported; ready: callback or first download; ingested: rows stored; failed: given up. */
export type ExportFileState = 'requested' | 'ready' | 'ingested' | 'failed';

/** Every file this subgraph asked the CC-FS to generate. */
export interface ExportFileTable {
  /** yyyyMMdd_{32 hex}.zip */
  file_name: string;
  kind: ExportFileKind;
  /** As the CC-FS answered it (with dashes). */
  response_id: string;
  /** yyyy-MM-dd in CC_TIME_ZONE: the yyyyMMdd of the name. */
  request_day: string;
  from_ms: number;
  to_ms: number;
  agent_id: string | null;
  /** The recording-index window it was asked for (kind record). */
  window_id: number | null;
  requested_at: number;
  /** When the CC-FS reported it (callback) or first served it; never earlier. */
  ready_at: number | null;
  state: ExportFileState;
  /** Download attempts. */
  attempts: Generated<number>;
  next_attempt_at: number;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: number | null;
  ingested_at: number | null;
  row_count: number | null;
  skipped_rows: number | null;
}

/** Validly signed callbacks, kept so that one arriving before its request was stored still counts. */
export interface CallbackInboxTable {
  file_name: string;
  kind: ExportFileKind;
  received_at: number;
}

/** Small durable facts: the first start, the recording count after the last ingestion. */
export interface IngestMetaTable {
  key: string;
  value: string;
}

/** A replica's lease on a CC-Gateway pool agent (src/agent-pool/postgres-lease-store.ts). */
export interface AgentLeaseTable {
  scope: string;
  agent_id: string;
  holder_id: string;
  relay_url: string;
  /** 1 while the holder's agent session is signed in. */
  ready: number;
  /** Epoch ms, by the database's clock. */
  expires_at: number;
}

export interface Database {
  recording: RecordingTable;
  index_window: IndexWindowTable;
  export_file: ExportFileTable;
  callback_inbox: CallbackInboxTable;
  ingest_meta: IngestMetaTable;
  agent_lease: AgentLeaseTable;
}
