/**
 * Fuzzing, run by fuzz-run.ts in a process of its own: ≥ 10,000 random and mutated media link
 * tokens (all 403 / 410, never a 500, never a byte of media) and random and hostile GraphQL
 * arguments (BAD_USER_INPUT or a valid answer, never a crash, never an upstream call with a value
 * the contract says must be refused).
 */
import { describe, expect, test } from '@jest/globals';
import { runPart } from './child-part.js';
import { saveFigures } from './figures.js';

describe('fuzzing', () => {
  test('link tokens and GraphQL arguments', async () => {
    const { figures, checks } = await runPart(new URL('./fuzz-run.ts', import.meta.url));
    saveFigures(figures);
    expect(figures.unexpected).toEqual([]);
    expect(figures.requests.mediaTokens).toBeGreaterThanOrEqual(10_000);
    expect(Object.entries(checks).filter(([, passed]) => !passed).map(([name]) => name)).toEqual([]);
  }, 170_000);
});
