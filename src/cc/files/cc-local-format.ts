/**
 * Instants → the contact center's wall-clock text (CC_TIME_ZONE): `yyyy-MM-dd HH:mm:ss`, as the
 * CC-FS export requests take their window (queryBillData / queryAgentOprInfoData beginTime and
 * endTime, in the tenant's zone), and the request day that names an export file (`yyyyMMdd_…`).
 * The zone's offset comes from cc-local-time.ts, the one place that asks Intl about zones.
 */
import { zoneOffsetMs } from './cc-local-time.js';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** The wall clock at an instant, as the fields of a UTC date (milliseconds dropped). */
function wallClock(epochMs: number, timeZone: string): Date {
  return new Date(Math.floor(epochMs / 1000) * 1000 + zoneOffsetMs(timeZone, epochMs));
}

function dayText(wall: Date): string {
  return `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}`;
}

/** `yyyy-MM-dd HH:mm:ss` in `timeZone` (milliseconds dropped). */
export function formatCcLocalTime(epochMs: number, timeZone: string): string {
  const wall = wallClock(epochMs, timeZone);
  return `${dayText(wall)} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
}

/** The calendar day in `timeZone`: `yyyy-MM-dd`. */
export function ccLocalDay(epochMs: number, timeZone: string): string {
  return dayText(wallClock(epochMs, timeZone));
}
