/**
 * The byte path of a download: one node:http(s) request on the transport's keep-alive agents, and
 * its response (an IncomingMessage) handed on as the stream itself. got, which makes every signed
 * JSON call, is not on this path: its request stream and the PassThrough behind it were two extra
 * stages for every 64 KiB chunk (see README, "Benchmarks").
 *
 * Resolves with the response once its headers arrived; rejects with the abort reason, with
 * StaleConnection when a reused keep-alive connection was closed by the platform before any byte
 * of the answer (the caller retries once on a new connection), or with CcError('unavailable') for
 * connect and first-byte timeouts and socket failures.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { CcError } from './cc-error.js';
import { transportError, type Upstream } from './result-codes.js';

export interface DownloadRequest {
  upstream: Upstream;
  url: URL;
  method: string;
  headers: Record<string, string>;
  /** Sent byte-for-byte (it may have been signed). */
  body?: string;
  signal?: AbortSignal;
  agents: { http: http.Agent; https: https.Agent };
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
}

/** Socket failures that, on a reused connection before any answer, mean the platform had closed it. */
const STALE_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** A reused keep-alive connection turned out closed before anything was answered on it. */
export class StaleConnection extends Error {
  override readonly name = 'StaleConnection';
  constructor(readonly code: string) {
    super(`reused connection closed by the peer (${code})`);
  }
}

function errnoCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Whether a failed request ran on a reused connection that the peer had closed, with no answer yet. */
export function isStaleConnectionFailure(reusedSocket: boolean | undefined, answered: boolean, error: unknown): boolean {
  const code = errnoCode(error);
  return reusedSocket === true && !answered && code !== undefined && STALE_CODES.has(code);
}

function timeout(upstream: Upstream, what: string): CcError {
  return transportError(upstream, Object.assign(new Error(`${what} timed out`), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
}

export function sendDownloadRequest(request: DownloadRequest): Promise<IncomingMessage> {
  const { upstream, url, signal } = request;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const options: http.RequestOptions = { method: request.method, headers: request.headers, agent: secure ? request.agents.https : request.agents.http };
    const req = secure ? https.request(url, options) : http.request(url, options);
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let firstByteTimer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      clearTimeout(connectTimer);
      clearTimeout(firstByteTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      reject(error);
    };
    const onAbort = () => fail(signal?.reason ?? new DOMException('This operation was aborted', 'AbortError'));
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    req.once('socket', (socket) => {
      if (socket.connecting) {
        connectTimer = setTimeout(() => fail(timeout(upstream, 'connect')), request.connectTimeoutMs);
        socket.once(secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      }
    });
    req.once('finish', () => {
      // The request is out: from here the platform has firstByteTimeoutMs to answer.
      firstByteTimer = setTimeout(() => fail(timeout(upstream, 'first byte')), request.firstByteTimeoutMs);
    });
    req.once('response', (response) => {
      if (settled) {
        response.destroy();
        return;
      }
      settled = true;
      cleanup();
      resolve(response);
    });
    req.on('error', (error) => {
      if (settled) return;
      if (signal?.aborted) return onAbort();
      const code = errnoCode(error);
      fail(isStaleConnectionFailure(req.reusedSocket, false, error) ? new StaleConnection(code!) : transportError(upstream, error));
    });
    req.end(request.body);
  });
}
