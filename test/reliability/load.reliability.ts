/**
 * Bounded load: 200 concurrent GraphQL clients and 20 concurrent downloaders for
 * RELIABILITY_LOAD_SECONDS (default 30; CI may set it lower) against the simulator, run by
 * load-run.ts in a process of its own. Zero unexpected errors, every downloaded byte checked, no
 * sockets or handles left behind, memory back near where it started.
 */
import { describe, expect, test } from '@jest/globals';
import { runPart } from './child-part.js';
import { saveFigures } from './figures.js';

const LOAD_SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 30);

describe(`bounded load for ${LOAD_SECONDS} s`, () => {
  test(
    '200 GraphQL clients and 20 downloaders: zero unexpected errors, every byte verified, no leaked sockets or handles, memory back near its baseline',
    async () => {
      const { figures, checks } = await runPart(new URL('./load-run.ts', import.meta.url));
      saveFigures(figures);
      expect(figures.unexpected).toEqual([]);
      expect(figures.bytes.lostOrCorrupted).toBe(0);
      expect(Object.entries(checks).filter(([, passed]) => !passed).map(([name]) => name)).toEqual([]);
    },
    LOAD_SECONDS * 1000 + 120_000,
  );
});
