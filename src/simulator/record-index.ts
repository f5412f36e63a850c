/**
 * The simulator's recording index (docs/cc-platform.md §9.3): one record per recording file, with the
 * 18 documented columns, recent call times (so that an ingestion that starts "24 hours ago" finds
 * them all), original_file_name in the platform's Windows form (backslashes), and the CSV text of
 * a `…_record.csv` (and a minimal `…_call.csv` for dataType call / call_record).
 */
import { formatLocalTime } from './agent-opr-csv.js';

export interface IndexRecord {
  /** The developer account (access key) whose export lists it. */
  owner: string;
  accountId: string;
  ccId: string;
  agentId: string;
  callId: string;
  callerNo: string;
  calleeNo: string;
  beginMs: number;
  endMs: number;
  /** file_name: the recording's path on the file server. */
  storagePath: string;
  /** original_file_name as the platform writes it (backslashes). */
  originalFileName: string;
  vdnId: string;
  callType: number;
  mediaType: string;
  wantedSkillId: string;
  currentSkillId: string;
}

export const RECORD_CSV_COLUMNS = [
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

/** Call types of the samples: inbound (0, 1), internal (6), outbound (7, 8, 40). */
const SAMPLE_CALL_TYPES = [0, 7, 6, 8, 1, 40];

export interface SampleRecording {
  fileName: string;
  callId: string;
  agentId: string;
  seconds: number;
}

/**
 * Index records of the sample recordings: call k (in catalog order) began (k + 1) × 5 minutes
 * before `nowMs`; recordings of one call follow one another (a transfer between agents).
 */
export function sampleIndexRecords(recordings: readonly SampleRecording[], owner: string, nowMs: number): IndexRecord[] {
  const callStart = new Map<string, number>();
  const callCursor = new Map<string, number>();
  const records: IndexRecord[] = [];
  for (const [index, recording] of recordings.entries()) {
    let start = callStart.get(recording.callId);
    if (start === undefined) {
      start = Math.floor((nowMs - (callStart.size + 1) * 5 * 60_000) / 1000) * 1000;
      callStart.set(recording.callId, start);
    }
    const begin = callCursor.get(recording.callId) ?? start;
    const end = begin + Math.max(1, recording.seconds) * 1000;
    callCursor.set(recording.callId, end);
    const callType = SAMPLE_CALL_TYPES[index % SAMPLE_CALL_TYPES.length] ?? 0;
    const inbound = callType <= 5;
    const customer = `1380013${String(index).padStart(4, '0')}`;
    records.push({
      owner,
      accountId: '202611200001',
      ccId: '1',
      agentId: recording.agentId,
      callId: recording.callId,
      callerNo: inbound ? customer : `7${recording.agentId}`,
      calleeNo: inbound ? '4000' : callType === 6 ? `7${Number(recording.agentId) + 1}` : customer,
      beginMs: begin,
      endMs: end,
      storagePath: `/1/1/record/${owner}/${recording.fileName.split('/')[3] ?? '20261120'}/${recording.agentId}/${recording.fileName.split('/').pop()?.replace(/\.[^.]*$/, '') ?? 'r'}.wav`,
      originalFileName: recording.fileName.replace(/\//g, '\\'),
      vdnId: '1',
      callType,
      mediaType: '1',
      wantedSkillId: String(1 + (index % 3)),
      currentSkillId: String(1 + (index % 3)),
    });
  }
  return records;
}

export function recordFields(record: IndexRecord, timeZone: string): string[] {
  return [
    record.owner,
    record.accountId,
    record.ccId,
    record.agentId,
    record.callId,
    record.callerNo,
    record.calleeNo,
    formatLocalTime(record.beginMs, timeZone),
    formatLocalTime(record.endMs, timeZone),
    record.storagePath,
    '0',
    'success',
    record.originalFileName,
    record.vdnId,
    String(record.callType),
    record.mediaType,
    record.wantedSkillId,
    record.currentSkillId,
  ];
}

/** A field is quoted only when it must be (a comma or quote in it). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatRecordCsv(records: readonly IndexRecord[], timeZone: string, withHeader: boolean, extraLines: readonly string[] = []): string {
  const lines = records.map((record) => recordFields(record, timeZone).map(csvField).join(','));
  // Hostile lines go in the middle, so that good rows come after them too.
  lines.splice(Math.floor(lines.length / 2), 0, ...extraLines);
  if (withHeader) lines.unshift(RECORD_CSV_COLUMNS.join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A short CDR line per call (the first columns of docs/cc-platform.md §9.4), for dataType call. */
export function formatCallCsv(records: readonly IndexRecord[], timeZone: string): string {
  return records
    .map((r) =>
      [r.owner, r.accountId, r.ccId, r.agentId, r.callId, r.callerNo, r.calleeNo, '', '', '', '', formatLocalTime(r.beginMs, timeZone), formatLocalTime(r.endMs, timeZone), '2', r.agentId, String(r.callType), '0', '-1', r.vdnId, '', ''].join(','),
    )
    .join('\r\n') + '\r\n';
}

/** Lines that a careful reader must skip, one per kind, with the count of each kind. */
export function hostileLines(good: IndexRecord, timeZone: string): { lines: string[]; counts: Record<string, number> } {
  const fields = recordFields(good, timeZone);
  const withField = (index: number, value: string) => fields.map((f, i) => (i === index ? value : f)).join(',');
  const lines = [
    fields.slice(0, 10).join(','), // too few columns
    [...fields, 'surplus'].join(','), // too many columns
    withField(7, '2026-02-30 25:61:00'), // a date that does not exist
    withField(5, 'x'.repeat(10 * 1024)), // a 10 KB field
    `"${fields.join(',')}`, // an unclosed quote
    withField(12, 'y'.repeat(100 * 1024)), // a line past any sane length
  ];
  return { lines, counts: { column_count: 2, bad_date: 1, field_too_long: 1, broken_quoting: 1, line_too_long: 1 } };
}

/** `yyyy-MM-dd HH:mm:ss` (wall clock in `timeZone`) → epoch ms, or undefined when malformed. */
export function parseLocalTime(text: string, timeZone: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  // Two rounds of "guess the offset" settle on the instant whose wall clock is `text` (outside gaps).
  let instant = wall;
  for (let round = 0; round < 2; round++) instant = wall - offsetAt(instant, timeZone);
  return instant;
}

function offsetAt(ms: number, timeZone: string): number {
  const text = formatLocalTime(ms, timeZone);
  const [date, time] = text.split(' ') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(ms / 1000) * 1000;
}

/** The day in `timeZone` as yyyyMMdd. */
export function localDay(ms: number, timeZone: string): string {
  return formatLocalTime(ms, timeZone).slice(0, 10).replace(/-/g, '');
}
