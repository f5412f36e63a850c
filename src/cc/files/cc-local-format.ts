/**
 * Instants → the contact center's wall-clock text (CC_TIME_ZONE): `yyyy-MM-dd HH:mm:ss`, as the
 * CC-FS export requests take their window (queryBillData / queryAgentOprInfoData beginTime and
 * endTime, in the tenant's zone), and the request day that names an export file (`yyyyMMdd_…`).
 */
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
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

function wallClock(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return {
    year: (parts.year ?? '0000').padStart(4, '0'),
    month: parts.month ?? '01',
    day: parts.day ?? '01',
    hour: parts.hour ?? '00',
    minute: parts.minute ?? '00',
    second: parts.second ?? '00',
  };
}

/** `yyyy-MM-dd HH:mm:ss` in `timeZone` (milliseconds dropped). */
export function formatCcLocalTime(epochMs: number, timeZone: string): string {
  const t = wallClock(epochMs, timeZone);
  return `${t.year}-${t.month}-${t.day} ${t.hour}:${t.minute}:${t.second}`;
}

/** The calendar day in `timeZone`: `yyyy-MM-dd`. */
export function ccLocalDay(epochMs: number, timeZone: string): string {
  const t = wallClock(epochMs, timeZone);
  return `${t.year}-${t.month}-${t.day}`;
}
