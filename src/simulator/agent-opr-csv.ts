/**
 * Synthetic agentOprInfo CSV rows (docs/cc-platform.md §8.3): 21 columns in the documented order,
 * realistic op_type sequences per agent (sign-in, idle, talking with a call id, after-call work,
 * busy, rest, sign-out, media-server sign-in/out). Deterministic for a given seed.
 */
import { createHash } from 'node:crypto';

export const AGENT_OPR_COLUMNS = [
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

export const OP_TYPE = {
  SIGN_OUT: 0,
  SIGN_IN: 1,
  IDLE: 2,
  BUSY: 3,
  TALKING: 4,
  REST: 26,
  WORK: 27,
  SIGN_IN_MEDIA: 47,
  SIGN_OUT_MEDIA: 52,
} as const;

export interface AgentOprRow {
  id: string;
  developerId: string;
  accountId: string;
  agentId: string;
  skillId: string;
  callId: string;
  beginMs: number;
  endMs: number;
  opType: number;
  opObject: string;
  opCause: string;
  mediaType: string;
  agentType: string;
  phoneNo: string;
  callInOut: string;
  logonSn: string;
  skillInfoSn: string;
}

/** mulberry32: a tiny seeded PRNG, so every start produces the same sample data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface AgentDayPlan {
  /** Seed for ids and durations. */
  seed: string;
  developerId: string;
  accountId: string;
  /** UTC instant of the first sign-in. */
  startMs: number;
  agents: readonly string[];
  rowsPerAgent: number;
  /** Call ids each agent talks on, used in order; synthetic ids follow when they run out. */
  callsByAgent: Readonly<Record<string, readonly string[]>>;
  syntheticCallIdPrefix: string;
}

export function generateAgentDay(plan: AgentDayPlan): AgentOprRow[] {
  const rows: AgentOprRow[] = [];
  let rowNumber = 0;
  let syntheticCall = 0;
  plan.agents.forEach((agentId, agentIndex) => {
    const random = seededRandom(Number.parseInt(createHash('md5').update(`${plan.seed}/${agentId}`).digest('hex').slice(0, 8), 16));
    const between = (min: number, max: number): number => Math.floor(min + random() * (max - min + 1));
    const calls = [...(plan.callsByAgent[agentId] ?? [])];
    const logonSn = String(700000 + agentIndex * 1000 + between(1, 999));
    const phoneIp = `10.1.0.${Number(agentId) % 250}`;
    const skillId = String(1 + (agentIndex % 3));
    const own: AgentOprRow[] = [];
    let clock = plan.startMs + agentIndex * 97_000;

    const add = (opType: number, seconds: number, extra: Partial<AgentOprRow> = {}): void => {
      rowNumber += 1;
      own.push({
        id: createHash('md5').update(`${plan.seed}#${rowNumber}`).digest('hex'),
        developerId: plan.developerId,
        accountId: plan.accountId,
        agentId,
        skillId: opType === OP_TYPE.SIGN_IN ? '' : skillId,
        callId: '',
        beginMs: clock,
        endMs: clock + seconds * 1000,
        opType,
        opObject: '',
        opCause: '0',
        mediaType: '',
        agentType: '4',
        phoneNo: '',
        callInOut: '',
        logonSn,
        skillInfoSn: opType === OP_TYPE.SIGN_IN ? '' : String(900000 + agentIndex),
        ...extra,
      });
      clock += seconds * 1000;
    };

    add(OP_TYPE.SIGN_IN, 0, { phoneNo: phoneIp });
    add(OP_TYPE.SIGN_IN_MEDIA, 0, { phoneNo: phoneIp });
    while (own.length < plan.rowsPerAgent - 2) {
      add(OP_TYPE.IDLE, between(5, 90));
      const roll = random();
      if (roll < 0.12 && own.length < plan.rowsPerAgent - 4) {
        add(OP_TYPE.BUSY, between(60, 300), { opCause: '1' });
      } else if (roll < 0.2 && own.length < plan.rowsPerAgent - 4) {
        add(OP_TYPE.REST, between(300, 900), { opCause: String(between(1, 3)) });
      } else if (own.length < plan.rowsPerAgent - 4) {
        const callId = calls.shift() ?? `${plan.syntheticCallIdPrefix}-${(syntheticCall += 1)}`;
        const inbound = random() < 0.8;
        add(OP_TYPE.TALKING, between(30, 300), {
          callId,
          mediaType: '5',
          opObject: inbound ? `138${between(10_000_000, 99_999_999)}` : `139${between(10_000_000, 99_999_999)}`,
          phoneNo: inbound ? `7${agentId}` : `139${between(10_000_000, 99_999_999)}`,
          callInOut: inbound ? '1' : '2',
        });
        add(OP_TYPE.WORK, between(10, 60), { callId });
      }
    }
    add(OP_TYPE.SIGN_OUT_MEDIA, 0, { phoneNo: phoneIp });
    add(OP_TYPE.SIGN_OUT, 0, { opCause: '258', phoneNo: phoneIp });
    rows.push(...own);
  });
  // An export lists operations in time order across agents (a stable sort keeps an agent's
  // zero-length steps, e.g. sign-in then media sign-in, in order).
  return rows.sort((a, b) => a.beginMs - b.beginMs);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD hh:mm:ss` of an instant, in the contact center's time zone. */
export function formatLocalTime(ms: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    formatter.formatToParts(ms).find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

export function rowToFields(row: AgentOprRow, timeZone: string): string[] {
  return [
    row.id,
    row.developerId,
    row.accountId,
    row.agentId,
    '',
    row.skillId,
    row.callId,
    formatLocalTime(row.beginMs, timeZone),
    formatLocalTime(row.endMs, timeZone),
    String(row.opType),
    row.opObject,
    row.opCause,
    row.mediaType,
    '1',
    '1',
    row.agentType,
    row.phoneNo,
    row.callInOut,
    '0',
    row.logonSn,
    row.skillInfoSn,
  ];
}

/** CSV text: no quoting is needed (no field holds a comma, quote or newline); LF line ends. */
export function formatAgentOprCsv(rows: readonly AgentOprRow[], timeZone: string, withHeader: boolean): string {
  const lines = rows.map((row) => rowToFields(row, timeZone).join(','));
  if (withHeader) lines.unshift(AGENT_OPR_COLUMNS.join(','));
  return lines.join('\n') + '\n';
}
