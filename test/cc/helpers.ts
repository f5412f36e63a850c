/** Shared set-up of the CC client tests: a Config pointing at a running simulator, fast tuning. */
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config, type Env } from '../../src/config.js';
import type { CcDeps } from '../../src/cc/index.js';
import type { Simulator } from '../../src/simulator/simulator.js';

export function simulatorEnv(sim: Simulator, extra: Env = {}): Env {
  return {
    CCFS_BASE_URL: sim.ccfsBaseUrl,
    CCFS_AK: sim.credentials.accessKey,
    CCFS_SK: sim.credentials.secretKey,
    CC_GATEWAY_BASE_URL: sim.gatewayBaseUrl,
    CC_GATEWAY_AGENT_ID: sim.credentials.agentId,
    CC_GATEWAY_PASSWORD: sim.credentials.password,
    CC_GATEWAY_PHONE: sim.credentials.phone,
    MEDIA_LINK_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    ...extra,
  };
}

export function simulatorConfig(sim: Simulator, extra: Env = {}): Config {
  return loadConfig(simulatorEnv(sim, extra));
}

/** Short waits so that retries and the poll loop do not slow the suite down. */
export const fastTuning: CcDeps['tuning'] = {
  connectTimeoutMs: 2_000,
  firstByteTimeoutMs: 5_000,
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  session: { pollDelayMs: 20, pollTimeoutMs: 5_000, failureBackoff: { baseDelayMs: 20, maxDelayMs: 100 } },
};

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Polls `check` until it holds (no timing assertion: only a generous upper bound). */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
