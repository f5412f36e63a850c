/**
 * HTTP to one CC server (CC-FS or CC-Gateway): got for the JSON calls and node:http for the byte
 * path of downloads (http-download.ts), on the same keep-alive agents; TLS with the configured extra
 * CA (added to Node's roots; verification is always on), connect and first-byte timeouts (never a
 * total timeout: a download may stream for as long as its consumer reads), and a concurrency cap
 * that holds a slot until the response headers arrive, so a long stream never blocks other calls.
 * Each call is timed into `cc_upstream_request_duration_seconds`.
 *
 * Idle connections are kept for `idleSocketMs` (below the platform's own keep-alive; Node also
 * honours a shorter `Keep-Alive: timeout` hint). A call whose reused connection turns out closed by
 * the platform before any byte of the answer is sent once more on a new connection: that race (the
 * platform closing an idle connection just as it is reused) never reaches a caller.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import got, { RequestError, type Got, type Method } from 'got';
import pLimit, { type LimitFunction } from 'p-limit';
import type { TlsConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { currentRequestContext } from '../observability/request-context.js';
import { CcError, isCcError } from './cc-error.js';
import { isStaleConnectionFailure, sendDownloadRequest, StaleConnection } from './http-download.js';
import { openDownload } from './open-download.js';
import { errorFromCcJson, httpStatusError, transportError, type Upstream } from './result-codes.js';
import type { UpstreamDownload } from './types.js';

export interface TransportTimeouts {
  /** TCP (and TLS handshake) set-up of a new socket. */
  connectTimeoutMs: number;
  /** From the request being sent until the response headers arrive. */
  firstByteTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: TransportTimeouts = { connectTimeoutMs: 5_000, firstByteTimeoutMs: 30_000 };

/** Sent with every call (got adds them to JSON calls; the byte path adds them itself). */
const DEFAULT_HEADERS = { 'user-agent': 'cc-media-subgraph', accept: '*/*' };

/** How long an idle connection is kept for reuse, unless configured (CC_KEEP_ALIVE_SECONDS). */
export const DEFAULT_IDLE_SOCKET_MS = 4_000;

export interface HttpTransportOptions {
  upstream: Upstream;
  baseUrl: string;
  tls: TlsConfig;
  maxConcurrency: number;
  timeouts?: Partial<TransportTimeouts>;
  /** Idle keep-alive connections are closed after this long (keep it below the platform's). */
  idleSocketMs?: number;
  metrics?: Metrics;
  logger?: Logger;
}

export interface UpstreamRequest {
  /** The interface name, for metrics (`requestPlayVoice`, `agentEvent`, …). */
  name: string;
  method: Method;
  /** Path below the base URL, starting with `/`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent byte-for-byte (it may have been signed). */
  body?: string;
  signal?: AbortSignal;
  /** Bypasses the concurrency cap: the agent session's own calls (sign-in, event poll, sign-out). */
  uncapped?: boolean;
  /** Overrides the first-byte timeout (the event long-poll waits ~10 s on purpose). */
  firstByteTimeoutMs?: number;
  /** Sees the headers of every answer, error answers included (the Guid follows Set-GUID). */
  onResponseHeaders?: (headers: IncomingHttpHeaders) => void;
}

export interface JsonAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The parsed body; `undefined` when it was empty. */
  body: unknown;
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export class HttpTransport {
  readonly upstream: Upstream;
  private readonly base: URL;
  private readonly got: Got;
  private readonly limit: LimitFunction;
  private readonly timeouts: TransportTimeouts;
  private readonly metrics: Metrics | undefined;
  private readonly logger: Logger | undefined;
  private readonly agents: { http: http.Agent; https: https.Agent };
  /** For the one repeat of a call whose reused connection was stale: always a new connection. */
  private readonly freshAgents: { http: http.Agent; https: https.Agent };
  private closed = false;

  constructor(options: HttpTransportOptions) {
    this.upstream = options.upstream;
    this.base = new URL(options.baseUrl);
    this.timeouts = {
      connectTimeoutMs: options.timeouts?.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectTimeoutMs,
      firstByteTimeoutMs: options.timeouts?.firstByteTimeoutMs ?? DEFAULT_TIMEOUTS.firstByteTimeoutMs,
    };
    this.metrics = options.metrics;
    this.logger = options.logger;
    this.limit = pLimit({ concurrency: options.maxConcurrency, rejectOnClear: true });
    const tls = {
      rejectUnauthorized: true,
      ...(options.tls.ca === undefined ? {} : { ca: [...rootCertificates, options.tls.ca] }),
      ...(options.tls.serverName === undefined ? {} : { servername: options.tls.serverName }),
    };
    // `timeout` closes sockets that sit idle in the pool that long (in-use sockets are left alone).
    const pooled = { keepAlive: true, timeout: options.idleSocketMs ?? DEFAULT_IDLE_SOCKET_MS };
    this.agents = {
      http: new http.Agent(pooled),
      // Agent options win over per-request options in Node, so CA and servername hold for every socket.
      https: new https.Agent({ ...pooled, ...tls }),
    };
    this.freshAgents = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false, ...tls }) };
    this.got = got.extend({
      agent: this.agents,
      retry: { limit: 0 }, // retries are the clients' decision (retry.ts)
      throwHttpErrors: false,
      followRedirect: false,
      decompress: false, // bytes pass through untouched; no Accept-Encoding is sent
      cache: false,
      headers: DEFAULT_HEADERS,
    });
  }

  /** The absolute URL of `path` (below any path prefix of the base URL). */
  resolve(path: string, query?: Record<string, string>): URL {
    const url = new URL(this.base.href);
    url.pathname = this.base.pathname.replace(/\/+$/, '') + path;
    url.search = query === undefined ? '' : new URLSearchParams(query).toString();
    return url;
  }

  /** The Host header value that is sent (and signed): `host:port` as in the URL. */
  hostHeader(): string {
    return this.base.host;
  }

  private gotOptions(request: UpstreamRequest) {
    const url = this.resolve(request.path, request.query);
    // The trace of the GraphQL or media request this call is made for (W3C Trace Context), so the
    // platform's side of a slow or failed request can be found; not a signed header.
    const traceparent = currentRequestContext()?.traceparent;
    return {
      url,
      method: request.method,
      headers: { host: url.host, ...(traceparent === undefined ? {} : { traceparent }), ...request.headers },
      body: request.body,
      signal: request.signal,
      timeout: {
        lookup: this.timeouts.connectTimeoutMs,
        connect: this.timeouts.connectTimeoutMs,
        secureConnect: this.timeouts.connectTimeoutMs,
        response: request.firstByteTimeoutMs ?? this.timeouts.firstByteTimeoutMs,
      },
    };
  }

  /**
   * Runs `call` within the concurrency cap. The slot is held until `call` invokes `release` (or
   * settles); a caller that aborts while queued leaves the queue at once.
   */
  private withSlot<T>(request: UpstreamRequest, call: (release: () => void) => Promise<T>): Promise<T> {
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.closed) return Promise.reject(this.shutDown());
    if (request.uncapped) return call(() => undefined);
    return new Promise<T>((resolve, reject) => {
      let abandoned = false;
      const onAbort = () => {
        abandoned = true;
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.limit(
        () =>
          new Promise<void>((freeSlot) => {
            signal?.removeEventListener('abort', onAbort);
            if (abandoned) return freeSlot();
            let freed = false;
            const release = () => {
              if (!freed) {
                freed = true;
                freeSlot();
              }
            };
            call(release).then(resolve, reject).finally(release);
          }),
      ).catch(() => reject(this.shutDown()));
    });
  }

  private shutDown(): CcError {
    return new CcError('unavailable', `${this.upstream} client is shut down`, { upstream: this.upstream, reason: 'shut down' });
  }

  private async timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const observe = (result: string) =>
      this.metrics?.upstreamDuration.observe(
        { interface: name, result },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    try {
      const value = await work();
      observe('ok');
      return value;
    } catch (error) {
      observe(isCcError(error) ? error.kind : 'aborted');
      throw error;
    }
  }

  /**
   * A JSON call. Resolves with the answer when it is a CC success (or carries no CC code at all);
   * rejects with CcError for a CC error code, a non-2xx status, a body that is not JSON, or a
   * transport failure.
   */
  requestJson(request: UpstreamRequest): Promise<JsonAnswer> {
    return this.timed(request.name, () => this.withSlot(request, () => this.sendJson(request)));
  }

  private async sendJson(request: UpstreamRequest): Promise<JsonAnswer> {
    const { url, ...options } = this.gotOptions(request);
    const send = (agent: typeof this.agents) => this.got(url, { ...options, agent, responseType: 'text' });
    let response;
    try {
      try {
        response = await send(this.agents);
      } catch (error) {
        if (!(error instanceof RequestError) || !isStaleConnectionFailure(error.request?.reusedSocket, error.response !== undefined, error)) throw error;
        this.noteStaleConnection(request.name, error.code);
        response = await send(this.freshAgents);
      }
    } catch (error) {
      if (request.signal?.aborted) throw abortReason(request.signal);
      throw transportError(this.upstream, error);
    }
    request.onResponseHeaders?.(response.headers);
    const { statusCode, headers } = response;
    const parsed = response.body.trim() === '' ? { value: undefined } : tryParse(response.body);
    const body = parsed === false ? undefined : parsed.value;
    if (statusCode < 200 || statusCode >= 300) throw httpStatusError(this.upstream, statusCode, body);
    if (parsed === false) {
      throw new CcError('other', `${this.upstream} answered HTTP ${statusCode} with a body that is not JSON`, {
        httpStatus: statusCode,
      });
    }
    const ccError = errorFromCcJson(body, statusCode);
    if (ccError) throw ccError;
    return { statusCode, headers, body };
  }

  /** A download: resolves once the status and the first bytes were checked (see open-download.ts). */
  openDownload(request: UpstreamRequest & { range?: string }): Promise<UpstreamDownload> {
    const withRange: UpstreamRequest =
      request.range === undefined ? request : { ...request, headers: { ...request.headers, range: request.range } };
    return this.timed(request.name, () =>
      this.withSlot(withRange, async (release) => {
        let response;
        try {
          response = await this.sendDownload(withRange, this.agents);
        } catch (error) {
          if (!(error instanceof StaleConnection)) throw error;
          this.noteStaleConnection(request.name, error.code);
          response = await this.sendDownload(withRange, this.freshAgents);
        }
        release();
        request.onResponseHeaders?.(response.headers);
        return openDownload(response, this.upstream, request.signal);
      }),
    );
  }

  private sendDownload(request: UpstreamRequest, agents: typeof this.agents) {
    const { url, method, headers, body, signal } = this.gotOptions(request);
    return sendDownloadRequest({
      upstream: this.upstream,
      url,
      method,
      headers: { ...DEFAULT_HEADERS, ...headers },
      ...(body === undefined ? {} : { body }),
      ...(signal === undefined ? {} : { signal }),
      agents,
      connectTimeoutMs: this.timeouts.connectTimeoutMs,
      firstByteTimeoutMs: request.firstByteTimeoutMs ?? this.timeouts.firstByteTimeoutMs,
    });
  }

  /** A reused connection that the platform had closed: the call goes once more on a new one. */
  private noteStaleConnection(name: string, code: string | undefined): void {
    this.logger?.info({ upstream: this.upstream, interface: name, code }, 'CC connection closed by the platform while idle; sent again on a new connection');
  }

  /** In-flight and queued capped calls (for tests and diagnostics). */
  get load(): { active: number; pending: number } {
    return { active: this.limit.activeCount, pending: this.limit.pendingCount };
  }

  /** Rejects queued calls and drops the idle keep-alive sockets. */
  close(): void {
    this.closed = true;
    this.limit.clearQueue();
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.freshAgents.http.destroy();
    this.freshAgents.https.destroy();
  }
}

function tryParse(text: string): { value: unknown } | false {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return false;
  }
}
