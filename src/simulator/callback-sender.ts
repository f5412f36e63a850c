/**
 * The CC-FS's callback after an export is generated (cec_07_4222 / cec_07_4226): a POST of
 * `{"request":{"version":"2.0"},"msgBody":{…file name…}}` to the callBackURL of the request,
 * auth-v2 signed (content-length, content-type, host) with the callback keys. A callback that is
 * not answered 2xx with a body is sent again after `retryMs` (the platform: every 10 minutes),
 * up to `maxAttempts`. Signed with the simulator's own auth-v2 code, not the subgraph's.
 */
import { createHmac } from 'node:crypto';
import { authStringPrefix, canonicalRequest, signingKey } from './auth-v2-verify.js';

export interface CallbackKeys {
  accessKey: string;
  secretKey: string;
}

export interface CallbackCounters {
  /** POSTs made (retries included). */
  sent: number;
  /** Answered 2xx with a body. */
  succeeded: number;
  /** Refused, failed or unanswered (each such POST). */
  failed: number;
}

export interface CallbackSenderOptions {
  keys: CallbackKeys;
  retryMs: number;
  maxAttempts: number;
  clock: () => number;
  counters: CallbackCounters;
  /** Gives up waiting for an answer after this long. */
  timeoutMs?: number;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

function authV2Timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The Authorization value for a POST of `body` to `url`, signing content-length, content-type and host. */
export function signCallback(url: URL, body: string, keys: CallbackKeys, nowMs: number): string {
  const signedHeaders = 'content-length;content-type;host';
  const headers = { host: url.host, 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(body, 'utf8')) };
  const prefix = authStringPrefix(keys.accessKey, authV2Timestamp(nowMs), signedHeaders);
  const canonical = canonicalRequest(
    { method: 'POST', rawUrl: `${url.pathname}${url.search}`, headers, body: Buffer.from(body, 'utf8') },
    signedHeaders.split(';'),
    signedHeaders,
    false,
  );
  const signature = createHmac('sha256', Buffer.from(signingKey(keys.secretKey, prefix), 'utf8')).update(canonical ?? '').digest('hex');
  return `${prefix}/${signature}`;
}

export class CallbackSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly options: CallbackSenderOptions) {}

  /** Posts `msgBody` to `url` after `delayMs`, retrying as the platform does. */
  schedule(url: string, msgBody: Record<string, string>, delayMs: number): void {
    this.later(() => this.attempt(url, msgBody, 1), delayMs);
  }

  private later(run: () => Promise<void>, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, Math.max(0, delayMs));
    timer.unref();
    this.timers.add(timer);
  }

  private async attempt(url: string, msgBody: Record<string, string>, attempt: number): Promise<void> {
    if (this.closed) return;
    const ok = await this.post(url, msgBody);
    if (!ok && attempt < this.options.maxAttempts) this.later(() => this.attempt(url, msgBody, attempt + 1), this.options.retryMs);
  }

  private async post(target: string, msgBody: Record<string, string>): Promise<boolean> {
    const { counters } = this.options;
    counters.sent += 1;
    const abort = new AbortController();
    this.inFlight.add(abort);
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs ?? 30_000);
    try {
      const url = new URL(target);
      const body = JSON.stringify({ request: { version: '2.0' }, msgBody });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': JSON_TYPE, authorization: signCallback(url, body, this.options.keys, this.options.clock()) },
        body,
        signal: abort.signal,
      });
      const text = await response.text();
      const ok = response.ok && text.trim() !== '';
      if (ok) counters.succeeded += 1;
      else counters.failed += 1;
      return ok;
    } catch {
      counters.failed += 1;
      return false;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(abort);
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const abort of this.inFlight) abort.abort();
  }
}
