/** Polling instead of sleeping: a condition is waited for with a generous upper bound, never timed. */

type Check = () => boolean | Promise<boolean>;

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
export async function pollUntil(check: Check, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls `check` until it holds; throws when it has not after `timeoutMs`. */
export async function eventually(check: Check, timeoutMs = 15_000): Promise<void> {
  if (!(await pollUntil(check, timeoutMs, 20))) throw new Error(`condition not met within ${timeoutMs} ms`);
}
