/** CC client tunings for tests: short waits, so that faults are seen at once and the suite stays short. */
import type { CcDeps } from '../../src/cc/index.js';

type Tuning = NonNullable<CcDeps['tuning']>;

/** No retries: a fault injected once is seen once. */
export const TEST_TUNING: Tuning = {
  connectTimeoutMs: 2_000,
  firstByteTimeoutMs: 10_000,
  retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
  session: { pollDelayMs: 20, pollTimeoutMs: 5_000, failureBackoff: { baseDelayMs: 20, maxDelayMs: 100 }, refusalCooldownMs: 60_000 },
};

/** Retries kept (three attempts) but with short delays, for tests of the retry behaviour itself. */
export const RETRYING_TEST_TUNING: Tuning = {
  connectTimeoutMs: 2_000,
  firstByteTimeoutMs: 5_000,
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  session: { pollDelayMs: 20, pollTimeoutMs: 5_000, failureBackoff: { baseDelayMs: 20, maxDelayMs: 100 } },
};
