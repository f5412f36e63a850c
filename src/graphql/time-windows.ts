/**
 * The time windows of the recording-index fields (docs/recording-index.md), checked before any database query or
 * upstream call: `from` strictly before `to`, and no longer than the field allows (31 days for
 * searchRecordings, 3 days for requestAgentOperationIndex, as the CC-FS itself limits an export).
 * Calendar-day ranges (agentOperationIndexes) are inclusive at both ends.
 */
import { badUserInput } from './errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const WINDOW_DAYS = {
  searchRecordings: 31,
  requestAgentOperationIndex: 3,
  /** agentOperationIndexes: request days in [from, to], both included. */
  agentOperationIndexes: 31,
} as const;

export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** [from, to) of at most `maxDays` days. */
export function requireTimeWindow(from: Date, to: Date, maxDays: number): TimeWindow {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!(fromMs < toMs)) throw badUserInput('from must be before to.', 'from');
  if (toMs - fromMs > maxDays * DAY_MS) throw badUserInput(`The window from..to must be at most ${maxDays} days.`, 'to');
  return { fromMs, toMs };
}

export interface DayRange {
  /** yyyy-MM-dd, both included. */
  from: string;
  to: string;
}

/** [from, to] of calendar days (ISO dates, already checked by the Date scalar), at most `maxDays` days. */
export function requireDayRange(from: string, to: string, maxDays: number): DayRange {
  const fromMs = Date.parse(`${from}T00:00:00Z`);
  const toMs = Date.parse(`${to}T00:00:00Z`);
  if (fromMs > toMs) throw badUserInput('from must not be after to.', 'from');
  if ((toMs - fromMs) / DAY_MS + 1 > maxDays) throw badUserInput(`The days from..to must be at most ${maxDays}.`, 'to');
  return { from, to };
}
