/**
 * One agentOprInfo CSV record (21 columns, docs/cc-platform.md §8.3) → an AgentOperationRow. Pure: the
 * CSV parsing and the zip live in index-parser.ts.
 */
import { parseCcLocalTime } from './cc-local-time.js';

/** The 21 documented columns, in file order. */
export const AGENT_OPR_INFO_COLUMNS = [
  'id',
  'developer_id',
  'account_id',
  'agent_id',
  'service_no',
  'skill_id',
  'call_id',
  'begin_time',
  'end_time',
  'op_type',
  'op_object',
  'op_cause',
  'media_type',
  'vdn_id',
  'cc_id',
  'agent_type',
  'phone_no',
  'callIn_out',
  'location_id',
  'logon_sn',
  'skillInfo_sn',
] as const;

export interface AgentOperationRow {
  id: string;
  developerId: string | null;
  accountId: string | null;
  agentId: string | null;
  skillId: string | null;
  callId: string | null;
  beginTime: Date | null;
  endTime: Date | null;
  /** -1 when the column is empty or not a number ("not used" in the platform's table). */
  opType: number;
  opObject: string | null;
  opCause: string | null;
  mediaType: string | null;
  vdnId: string | null;
  ccId: string | null;
  agentType: string | null;
  phoneNo: string | null;
  callInOut: string | null;
  locationId: string | null;
  logonSn: string | null;
  skillInfoSn: string | null;
}

/** A header row is recognised by its first cell. */
export function isHeaderRecord(record: readonly string[]): boolean {
  return record[0]?.trim().toLowerCase() === 'id';
}

function cell(record: readonly string[], index: number): string | null {
  const value = record[index]?.trim();
  return value === undefined || value === '' ? null : value;
}

function opTypeOf(value: string | null): number {
  if (value === null || !/^-?\d{1,4}$/.test(value)) return -1;
  return Number(value);
}

/** A record → a row, or undefined when it has no id (nothing could name it). */
export function toAgentOperationRow(record: readonly string[], timeZone: string): AgentOperationRow | undefined {
  const id = cell(record, 0);
  if (id === null) return undefined;
  return {
    id,
    developerId: cell(record, 1),
    accountId: cell(record, 2),
    agentId: cell(record, 3),
    // 4 service_no: "no actual meaning, do not use".
    skillId: cell(record, 5),
    callId: cell(record, 6),
    beginTime: parseCcLocalTime(cell(record, 7) ?? undefined, timeZone),
    endTime: parseCcLocalTime(cell(record, 8) ?? undefined, timeZone),
    opType: opTypeOf(cell(record, 9)),
    opObject: cell(record, 10),
    opCause: cell(record, 11),
    mediaType: cell(record, 12),
    vdnId: cell(record, 13),
    ccId: cell(record, 14),
    agentType: cell(record, 15),
    phoneNo: cell(record, 16),
    callInOut: cell(record, 17),
    locationId: cell(record, 18),
    logonSn: cell(record, 19),
    skillInfoSn: cell(record, 20),
  };
}

const DATE_BYTES = 48;
const ROW_OVERHEAD_BYTES = 200;

/** A rough heap size of a row, for the memory-bounded cache. */
export function estimateRowBytes(row: AgentOperationRow): number {
  let bytes = ROW_OVERHEAD_BYTES;
  for (const value of Object.values(row)) {
    if (typeof value === 'string') bytes += 40 + value.length * 2;
    else if (value instanceof Date) bytes += DATE_BYTES;
  }
  return bytes;
}
