import { describe, expect, it } from '@jest/globals';
import { createMemoryTokenCache, MIN_REMAINING_SECONDS } from '../../src/data/playback-grants/token-cache.js';

const MINUTE = 60_000;

function clock(start = Date.UTC(2026, 10, 22, 2, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms), start };
}

describe('createMemoryTokenCache', () => {
  it('reuses a 30-minute token for 25 minutes by default, then forgets it', async () => {
    const time = clock();
    const cache = createMemoryTokenCache({ now: time.now });
    const grant = { token: 'T1', expiresAt: new Date(time.start + 30 * MINUTE) };
    await cache.set('Y:/a.V3', grant);
    expect(await cache.get('Y:/a.V3')).toBe(grant);
    time.advance(25 * MINUTE - 1);
    expect(await cache.get('Y:/a.V3')).toBe(grant);
    time.advance(1);
    expect(await cache.get('Y:/a.V3')).toBeUndefined();
  });

  it('honours a larger configured margin', async () => {
    const time = clock();
    const cache = createMemoryTokenCache({ now: time.now, reuseMarginSeconds: 20 * 60 });
    await cache.set('k', { token: 'T', expiresAt: new Date(time.start + 30 * MINUTE) });
    time.advance(10 * MINUTE - 1);
    expect(await cache.get('k')).toBeDefined();
    time.advance(1);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('never hands out a token with less than 5 minutes left, whatever the margin', async () => {
    const time = clock();
    const cache = createMemoryTokenCache({ now: time.now, reuseMarginSeconds: 10 });
    await cache.set('k', { token: 'T', expiresAt: new Date(time.start + 30 * MINUTE) });
    time.advance(30 * MINUTE - MIN_REMAINING_SECONDS * 1000);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('does not store a grant that is already inside the margin', async () => {
    const time = clock();
    const cache = createMemoryTokenCache({ now: time.now });
    await cache.set('k', { token: 'T', expiresAt: new Date(time.start + 4 * MINUTE) });
    expect(await cache.get('k')).toBeUndefined();
  });

  it('is bounded', async () => {
    const time = clock();
    const cache = createMemoryTokenCache({ now: time.now, max: 2 });
    for (const key of ['a', 'b', 'c']) await cache.set(key, { token: key, expiresAt: new Date(time.start + 30 * MINUTE) });
    expect(await cache.get('a')).toBeUndefined();
    expect((await cache.get('c'))?.token).toBe('c');
  });
});
