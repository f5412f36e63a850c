/**
 * Retries with exponential backoff and jitter. Which errors are worth a retry is the caller's call
 * (the clients retry token requests on any retryable error, everything else on flow control only).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Total attempts, the first one included (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 4000 };

/** Delay before retry number `retry` (1-based): half fixed, half random ("equal jitter"). */
export function backoffDelayMs(policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  shouldRetry: (error: unknown) => boolean,
  signal?: AbortSignal,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= policy.attempts || signal?.aborted || !shouldRetry(error)) throw error;
      // Rejects with the abort reason when the caller gives up while we wait.
      await sleep(backoffDelayMs(policy, tried), undefined, { signal });
    }
  }
}
