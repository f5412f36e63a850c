import { describe, expect, it } from '@jest/globals';
import { ccLocalDay, formatCcLocalTime } from '../../../src/cc/files/cc-local-format.js';
import { parseCcLocalTime, wallClockToInstant, zoneOffsetMs } from '../../../src/cc/files/cc-local-time.js';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

describe('parseCcLocalTime', () => {
  it.each([
    // zone, local wall time, UTC instant
    ['UTC', '2026-11-20 08:30:00', '2026-11-20T08:30:00.000Z'],
    ['Asia/Shanghai', '2026-11-20 08:30:00', '2026-11-20T00:30:00.000Z'],
    ['Asia/Shanghai', '2026-01-01 03:00:00', '2025-12-31T19:00:00.000Z'],
    ['America/Sao_Paulo', '2026-11-20 08:30:00', '2026-11-20T11:30:00.000Z'],
    ['Asia/Kolkata', '2026-11-20 08:30:00', '2026-11-20T03:00:00.000Z'],
    ['Asia/Kathmandu', '2026-11-20 08:30:00', '2026-11-20T02:45:00.000Z'],
    ['Europe/Berlin', '2026-01-15 12:00:00', '2026-01-15T11:00:00.000Z'],
    ['Europe/Berlin', '2026-07-15 12:00:00', '2026-07-15T10:00:00.000Z'],
    ['America/New_York', '2026-07-04 00:00:00', '2026-07-04T04:00:00.000Z'],
    ['Australia/Sydney', '2026-01-15 12:00:00', '2026-01-15T01:00:00.000Z'],
    ['UTC', '2026-11-20T08:30:00', '2026-11-20T08:30:00.000Z'],
    ['UTC', '2026-11-20 08:30:00.5', '2026-11-20T08:30:00.500Z'],
    ['UTC', '2024-02-29 23:59:59', '2024-02-29T23:59:59.000Z'],
  ])('%s %s → %s', (zone, local, utc) => {
    expect(iso(parseCcLocalTime(local, zone))).toBe(utc);
  });

  it('takes the earlier instant for a time that occurs twice (clocks set back)', () => {
    // Europe/Berlin 2026-10-25: 03:00 CEST → 02:00 CET, so 02:30 happens at 00:30Z and 01:30Z.
    expect(iso(parseCcLocalTime('2026-10-25 02:30:00', 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
    // America/New_York 2026-11-01: 02:00 EDT → 01:00 EST; 01:30 happens at 05:30Z and 06:30Z.
    expect(iso(parseCcLocalTime('2026-11-01 01:30:00', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    // Just after the repeated hour, only one reading remains.
    expect(iso(parseCcLocalTime('2026-10-25 03:00:00', 'Europe/Berlin'))).toBe('2026-10-25T02:00:00.000Z');
  });

  it('moves a time in a gap (clocks set forward) forward by the gap', () => {
    // Europe/Berlin 2026-03-29: 02:00 CET → 03:00 CEST; 02:30 does not exist → 03:30 CEST = 01:30Z.
    expect(iso(parseCcLocalTime('2026-03-29 02:30:00', 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
    // America/New_York 2026-03-08: 02:00 EST → 03:00 EDT; 02:15 → 03:15 EDT = 07:15Z.
    expect(iso(parseCcLocalTime('2026-03-08 02:15:00', 'America/New_York'))).toBe('2026-03-08T07:15:00.000Z');
    expect(iso(parseCcLocalTime('2026-03-29 01:59:59', 'Europe/Berlin'))).toBe('2026-03-29T00:59:59.000Z');
    expect(iso(parseCcLocalTime('2026-03-29 03:00:00', 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('handles southern-hemisphere DST (Sydney ends DST in April)', () => {
    // 2026-04-05 03:00 AEDT → 02:00 AEST; 02:30 occurs twice: earlier = AEDT (+11) = 15:30Z the day before.
    expect(iso(parseCcLocalTime('2026-04-05 02:30:00', 'Australia/Sydney'))).toBe('2026-04-04T15:30:00.000Z');
  });

  it.each([[''], ['   '], ['2026-13-01 00:00:00'], ['2026-02-30 00:00:00'], ['2026-11-20 24:00:00'], ['2026-11-20 08:60:00'], ['20261120 083000'], ['not a time']])(
    'gives null for %j',
    (value) => {
      expect(parseCcLocalTime(value, 'UTC')).toBeNull();
    },
  );

  it('gives null for a missing value', () => {
    expect(parseCcLocalTime(undefined, 'UTC')).toBeNull();
  });

  it('agrees with Intl for every hour of a DST year (round trip)', () => {
    const zone = 'America/New_York';
    const format = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    const start = Date.UTC(2026, 0, 1);
    for (let t = start; t < start + 366 * 24 * 3600 * 1000; t += 3 * 3600 * 1000 + 17_000) {
      const local = format.format(new Date(t)).replace('T', ' ');
      const back = parseCcLocalTime(local, zone);
      // A repeated hour maps back to its earlier instant: at most one hour before.
      expect(back).not.toBeNull();
      const delta = t - (back as Date).getTime();
      expect(delta === 0 || delta === 3600 * 1000).toBe(true);
    }
  });
});

describe('parseCcLocalTime memo (one offset per day, per minute on transition days)', () => {
  const text = (wallMs: number) => new Date(wallMs).toISOString().slice(0, 19).replace('T', ' ');
  const DAY = 24 * 3600 * 1000;

  it.each(['America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Shanghai'])(
    'agrees with the unmemoized resolution at every 37th minute of every day of 2026 in %s',
    (zone) => {
      const start = Date.UTC(2026, 0, 1);
      for (let day = start; day < start + 365 * DAY; day += DAY) {
        // Late in the day first: the memo must not depend on which time of a day came first.
        for (let minute = 1439; minute >= 0; minute -= 37) {
          const wall = day + minute * 60_000 + 42_000;
          const wallMinute = day + minute * 60_000;
          const expected = wall - (wallMinute - wallClockToInstant(wallMinute, zone));
          expect(parseCcLocalTime(text(wall), zone)?.getTime()).toBe(expected);
        }
      }
    },
  );
});

describe('zoneOffsetMs', () => {
  it('reads the offset of a zone at an instant', () => {
    expect(zoneOffsetMs('Asia/Shanghai', Date.UTC(2026, 5, 1))).toBe(8 * 3600 * 1000);
    expect(zoneOffsetMs('America/Sao_Paulo', Date.UTC(2026, 5, 1))).toBe(-3 * 3600 * 1000);
    expect(zoneOffsetMs('UTC', Date.UTC(2026, 5, 1, 12, 0, 0, 999))).toBe(0);
  });
});

describe('formatCcLocalTime and ccLocalDay (window times and request days sent to the CC-FS)', () => {
  it('writes the wall clock of the zone, across a day boundary and a DST change', () => {
    expect(formatCcLocalTime(Date.parse('2026-12-03T16:30:05.900Z'), 'Asia/Shanghai')).toBe('2026-12-04 00:30:05');
    expect(ccLocalDay(Date.parse('2026-12-03T16:30:05Z'), 'Asia/Shanghai')).toBe('2026-12-04');
    expect(ccLocalDay(Date.parse('2026-12-03T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-12-03');
    // Berlin: 01:59:59 CET, then 03:00:00 CEST one second later.
    expect(formatCcLocalTime(Date.parse('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe('2026-03-29 01:59:59');
    expect(formatCcLocalTime(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29 03:00:00');
    expect(formatCcLocalTime(Date.parse('2026-07-01T12:00:00Z'), 'America/Sao_Paulo')).toBe('2026-07-01 09:00:00');
    expect(formatCcLocalTime(Date.parse('2026-07-01T12:00:00Z'), 'UTC')).toBe('2026-07-01 12:00:00');
  });

  it('is read back to the same second by parseCcLocalTime, every 37 minutes over a year', () => {
    for (const zone of ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe']) {
      for (let at = Date.parse('2026-01-01T00:00:00Z'); at < Date.parse('2027-01-01T00:00:00Z'); at += 37 * 60_000 + 1_000) {
        const text = formatCcLocalTime(at, zone);
        const back = parseCcLocalTime(text, zone)?.getTime();
        // A wall time that occurs twice (clocks set back) reads as the earlier instant.
        if (back !== at) {
          expect(back).toBeLessThan(at);
          expect(formatCcLocalTime(back ?? Number.NaN, zone)).toBe(text);
        }
      }
    }
  });
});
