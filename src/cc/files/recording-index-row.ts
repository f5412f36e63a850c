/**
 * One record of a recording index CSV (`…_record[_N].csv`, 18 columns, Huawei cec_07_0831 /
 * cec_07_4237) → a RecordingIndexRow, or the reason it is skipped. Pure.
 */
import { parseCcLocalTime } from './cc-local-time.js';

/** The 18 documented columns, in file order. */
export const RECORDING_INDEX_COLUMNS = [
  'developer',
  'account_id',
  'cc_id',
  'agent_id',
  'call_id',
  'caller_no',
  'callee_no',
  'call_begin',
  'call_end',
  'file_name',
  'task_status',
  'task_result',
  'original_file_name',
  'vdn_id',
  'call_type',
  'media_type',
  'user_wanted_skill_id',
  'current_skill_id',
] as const;

const COLUMN = Object.fromEntries(RECORDING_INDEX_COLUMNS.map((name, index) => [name, index])) as Record<
  (typeof RECORDING_INDEX_COLUMNS)[number],
  number
>;

export interface RecordingIndexRow {
  callId: string;
  /** original_file_name in slash form: the name requestPlayVoice and downloadRecord take. */
  fileName: string;
  agentId: string | null;
  callerNo: string | null;
  calleeNo: string | null;
  /** call_begin / call_end, CC_TIME_ZONE wall clock → epoch ms (UTC). */
  beginMs: number | null;
  endMs: number | null;
  callType: number | null;
  mediaType: string | null;
  ccId: string | null;
  vdnId: string | null;
  /** current_skill_id */
  skillId: string | null;
}

export type SkipReason =
  | 'column_count'
  | 'bad_date'
  | 'field_too_long'
  | 'line_too_long'
  | 'broken_quoting'
  | 'missing_id'
  | 'bad_value';

export const SKIP_REASONS: readonly SkipReason[] = ['column_count', 'bad_date', 'field_too_long', 'line_too_long', 'broken_quoting', 'missing_id', 'bad_value'];

/** The documented maxima are 255 characters (file_name); anything far longer is not a real value. */
export const MAX_FIELD_CHARS = 512;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A header row is recognised by its first and fifth cells. */
export function isRecordingIndexHeader(fields: readonly string[]): boolean {
  return fields[0]?.trim().toLowerCase() === 'developer' && fields[COLUMN.call_id]?.trim().toLowerCase() === 'call_id';
}

function cell(fields: readonly string[], index: number): string | null {
  const value = fields[index]?.trim();
  return value === undefined || value === '' ? null : value;
}

export function toRecordingIndexRow(fields: readonly string[], timeZone: string): RecordingIndexRow | SkipReason {
  if (fields.length !== RECORDING_INDEX_COLUMNS.length) return 'column_count';
  for (const field of fields) {
    if (field.length > MAX_FIELD_CHARS) return 'field_too_long';
    if (CONTROL.test(field)) return 'bad_value';
  }
  const callId = cell(fields, COLUMN.call_id);
  const original = cell(fields, COLUMN.original_file_name);
  if (callId === null || original === null) return 'missing_id';
  const fileName = original.replace(/\\/g, '/');
  if (fileName.split('/').includes('..')) return 'bad_value';

  const beginText = cell(fields, COLUMN.call_begin);
  const endText = cell(fields, COLUMN.call_end);
  const begin = beginText === null ? null : parseCcLocalTime(beginText, timeZone);
  const end = endText === null ? null : parseCcLocalTime(endText, timeZone);
  if ((beginText !== null && begin === null) || (endText !== null && end === null)) return 'bad_date';

  const callTypeText = cell(fields, COLUMN.call_type);
  if (callTypeText !== null && !/^-?\d{1,6}$/.test(callTypeText)) return 'bad_value';

  return {
    callId,
    fileName,
    agentId: cell(fields, COLUMN.agent_id),
    callerNo: cell(fields, COLUMN.caller_no),
    calleeNo: cell(fields, COLUMN.callee_no),
    beginMs: begin === null ? null : begin.getTime(),
    endMs: end === null ? null : end.getTime(),
    callType: callTypeText === null ? null : Number(callTypeText),
    mediaType: cell(fields, COLUMN.media_type),
    ccId: cell(fields, COLUMN.cc_id),
    vdnId: cell(fields, COLUMN.vdn_id),
    skillId: cell(fields, COLUMN.current_skill_id),
  };
}
