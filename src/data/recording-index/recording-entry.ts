/** One row of the ingested recording index, as the read side hands it to GraphQL. */
import type { Selectable } from 'kysely';
import { RECORDING_DATA_COLUMNS } from '../../db/recording-repository.js';
import type { RecordingReadTable } from './read-tables.js';

export interface RecordingEntry {
  callId: string;
  /** original_file_name, slash form. */
  fileName: string;
  agentId: string | null;
  callerNumber: string | null;
  calleeNumber: string | null;
  beginTime: Date | null;
  endTime: Date | null;
  callType: number | null;
  mediaType: string | null;
  ccId: string | null;
  vdnId: string | null;
  skillId: string | null;
}

/** The columns every read selects (nothing of the write side's bookkeeping). */
export const RECORDING_COLUMNS = RECORDING_DATA_COLUMNS satisfies ReadonlyArray<keyof RecordingReadTable>;

export type RecordingRow = Pick<Selectable<RecordingReadTable>, (typeof RECORDING_COLUMNS)[number]>;

function instant(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(Number(epochMs));
}

export function toRecordingEntry(row: RecordingRow): RecordingEntry {
  return {
    callId: row.call_id,
    fileName: row.file_name,
    agentId: row.agent_id,
    callerNumber: row.caller_no,
    calleeNumber: row.callee_no,
    beginTime: instant(row.begin_time),
    endTime: instant(row.end_time),
    callType: row.call_type,
    mediaType: row.media_type,
    ccId: row.cc_id,
    vdnId: row.vdn_id,
    skillId: row.skill_id,
  };
}
