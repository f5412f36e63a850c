/**
 * Three replicas behind nginx (replicas-run.ts, in a process of its own): links, tokens and gateway
 * downloads across replicas under load, one replica stopped with SIGTERM and started again, zero
 * forced sign-ins, the agent taken over within the lease time.
 */
import { describe, expect, test } from '@jest/globals';
import { runPart } from './child-part.js';
import { saveFigures } from './figures.js';

const LOAD_SECONDS = Number(process.env.REPLICAS_LOAD_SECONDS ?? process.env.RELIABILITY_LOAD_SECONDS ?? 30);

describe(`three replicas behind nginx, ${LOAD_SECONDS} s of load`, () => {
  test(
    'no request that reached nginx fails but cut downloads; tokens once; gateway media byte for byte everywhere; zero forced sign-ins; takeover within the lease',
    async () => {
      const { figures, checks } = await runPart(new URL('./replicas-run.ts', import.meta.url));
      saveFigures(figures);
      expect(figures.unexpected).toEqual([]);
      expect(figures.bytes.lostOrCorrupted).toBe(0);
      expect(Object.entries(checks).filter(([, passed]) => !passed).map(([name]) => name)).toEqual([]);
    },
    LOAD_SECONDS * 1000 + 240_000,
  );
});
