/**
 * CSV times (`YYYY-MM-DD hh:mm:ss`) are wall-clock times of the contact center (CC_TIME_ZONE). This
 * turns them into instants with Intl only (no time-zone library), resolving DST like Temporal's
 * "compatible" disambiguation: a time that occurs twice (clocks set back) is the earlier instant; a
 * time that does not exist (clocks set forward) is moved forward by the length of the gap.
 */
import { isValidCalendarDate } from './calendar-date.js';

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const DAY_MS = 24 * 60 * 60 * 1000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at an instant, in milliseconds (local = utc + offset). */
export function zoneOffsetMs(timeZone: string, epochMs: number): number {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const wallAsUtc = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
  return wallAsUtc - wholeSeconds;
}

/** A wall-clock time in `timeZone`, as fields in a UTC timestamp, → the instant it names. */
export function wallClockToInstant(wallAsUtcMs: number, timeZone: string): number {
  const before = zoneOffsetMs(timeZone, wallAsUtcMs - DAY_MS);
  const after = zoneOffsetMs(timeZone, wallAsUtcMs + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallAsUtcMs - offset)
    .filter((instant) => zoneOffsetMs(timeZone, instant) === wallAsUtcMs - instant)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0] as number;
  // In a gap: read the wall time with the offset in force before the transition.
  return wallAsUtcMs - before;
}

/**
 * `YYYY-MM-DD hh:mm:ss` (optionally `.SSS`, or a `T` separator) local to `timeZone` → Date, or null
 * for an empty or malformed value.
 */
export function parseCcLocalTime(value: string | undefined, timeZone: string): Date | null {
  if (value === undefined) return null;
  const match = LOCAL_TIME.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = match[7] === undefined ? 0 : Number(match[7].padEnd(3, '0'));
  if (!isValidCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return new Date(wallAsUtc - offsetForWallTime(wallAsUtc, timeZone));
}

// Resolving a wall time costs several Intl calls, far more than the rest of a CSV row. Almost every
// day of a zone has one offset from its first minute to its last: one resolution serves the whole
// day, so a month-long index costs a few dozen. A day whose first and last minutes differ holds a
// transition: its times are resolved per wall minute (transitions fall on whole minutes).
const MINUTE_MS = 60_000;
const MAX_MEMO_ENTRIES = 50_000;
const TRANSITION_DAY = Symbol('transition day');
const dayMemo = new Map<string, Map<number, number | typeof TRANSITION_DAY>>();
const offsetMemo = new Map<string, Map<number, number>>();

function offsetForWallTime(wallAsUtcMs: number, timeZone: string): number {
  let days = dayMemo.get(timeZone);
  if (!days) {
    days = new Map();
    dayMemo.set(timeZone, days);
  }
  const dayStart = Math.floor(wallAsUtcMs / DAY_MS) * DAY_MS;
  let offset = days.get(dayStart);
  if (offset === undefined) {
    const lastMinute = dayStart + DAY_MS - MINUTE_MS;
    const first = offsetForWallMinute(dayStart, timeZone);
    offset = first === offsetForWallMinute(lastMinute, timeZone) ? first : TRANSITION_DAY;
    if (days.size >= MAX_MEMO_ENTRIES) days.clear();
    days.set(dayStart, offset);
  }
  return offset === TRANSITION_DAY ? offsetForWallMinute(Math.floor(wallAsUtcMs / MINUTE_MS) * MINUTE_MS, timeZone) : offset;
}

function offsetForWallMinute(wallMinuteMs: number, timeZone: string): number {
  let memo = offsetMemo.get(timeZone);
  if (!memo) {
    memo = new Map();
    offsetMemo.set(timeZone, memo);
  }
  let offset = memo.get(wallMinuteMs);
  if (offset === undefined) {
    offset = wallMinuteMs - wallClockToInstant(wallMinuteMs, timeZone);
    if (memo.size >= MAX_MEMO_ENTRIES) memo.clear();
    memo.set(wallMinuteMs, offset);
  }
  return offset;
}
