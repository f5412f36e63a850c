/**
 * The CC-Gateway service-agent session (docs/cc-platform.md §6): sign in, keep the Guid, keep
 * the session alive with the event long-poll, follow every Guid rotation, sign in again once when
 * the platform forgets us, and sign out on shutdown.
 *
 * - Sign-in is single-flight, and sign-in and sign-out never overlap (the platform forbids it).
 * - The Guid is replaced from `Set-GUID` on every answer of the current session that carries one
 *   (dynamic AUTHMODE=2 rotates it on the poll; static mode never does).
 * - After a refused sign-in (wrong password, …) further calls fail fast for `refusalCooldownMs`
 *   instead of hammering the platform, which may lock the agent account.
 * - The Guid and the password never reach a log line or an error message.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { runOutsideRequestContext } from '../observability/request-context.js';
import { CcError, isCcError } from './cc-error.js';
import type { HttpTransport, JsonAnswer } from './http-transport.js';
import { SESSION_LOST_RETCODES } from './result-codes.js';
import { backoffDelayMs } from './retry.js';

export type AgentSessionState = 'signed_out' | 'signing_in' | 'signed_in' | 'failed';

export interface GatewayAgent {
  agentId: string;
  password: string;
  phone: string;
}

export interface GatewaySessionOptions {
  /** Pause between one event-poll answer and the next poll (the platform advises 200–500 ms). */
  pollDelayMs?: number;
  /** First-byte timeout of the poll; longer than the platform's ~10 s long-poll wait. */
  pollTimeoutMs?: number;
  /** Backoff after a failed poll or an unreachable gateway. */
  failureBackoff?: { baseDelayMs: number; maxDelayMs: number };
  /** How long a refused sign-in is answered from memory. */
  refusalCooldownMs?: number;
  /**
   * On 100-002 (the agent is signed in elsewhere): true (default, one process per agent) forces the
   * sign-in; false (an agent pool whose replicas lease agents) never does: the other session is a
   * replica that crashed while holding the agent, and the platform ends it by itself after 2 minutes
   * without a poll. Until then the sign-in fails as `unavailable` (code 100-002) and the event loop
   * tries again with its failure backoff.
   */
  forceSignIn?: boolean;
  logger?: Logger;
  metrics?: Metrics;
}

const AGENT_PATH = '/agentgateway/resource';
const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

/** `JSESSIONID=<uuid>.AgentGateway<N>` → `<uuid>.AgentGateway<N>` (the whole value if there is no prefix). */
export function parseSetGuid(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[header.length - 1] : header;
  if (raw === undefined) return undefined;
  const match = /(?:^|[\s;,])JSESSIONID=([^;,\s]+)/i.exec(raw);
  const guid = match ? match[1] : raw.split(/[;,]/)[0]?.trim();
  return guid === undefined || guid === '' ? undefined : guid;
}

export function isSessionLost(error: unknown): boolean {
  return isCcError(error) && error.code !== undefined && SESSION_LOST_RETCODES.has(error.code);
}

interface Ticket {
  guid: string;
  epoch: number;
}

export class GatewaySession {
  private currentState: AgentSessionState = 'signed_out';
  private guid: string | undefined;
  /** Bumped on every sign-in: answers to requests of an older session must not touch the Guid. */
  private epoch = 0;
  private signInFlight: Promise<Ticket> | undefined;
  /** Serializes sign-in and sign-out. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private loop: Promise<void> | undefined;
  private readonly stopSignal = new AbortController();
  private stopped: Promise<void> | undefined;
  private refusal: { error: CcError; until: number } | undefined;
  private counters = { signIns: 0, forcedSignIns: 0, guidRotations: 0, polls: 0 };

  private readonly pollDelayMs: number;
  private readonly pollTimeoutMs: number;
  private readonly failureBackoff: { baseDelayMs: number; maxDelayMs: number };
  private readonly refusalCooldownMs: number;
  private readonly forceSignIn: boolean;
  private readonly logger: Logger | undefined;
  private readonly metrics: Metrics | undefined;

  constructor(
    private readonly transport: HttpTransport,
    private readonly agent: GatewayAgent,
    options: GatewaySessionOptions = {},
  ) {
    this.pollDelayMs = options.pollDelayMs ?? 300;
    this.pollTimeoutMs = options.pollTimeoutMs ?? 30_000;
    this.failureBackoff = options.failureBackoff ?? { baseDelayMs: 1_000, maxDelayMs: 30_000 };
    this.refusalCooldownMs = options.refusalCooldownMs ?? 30_000;
    this.forceSignIn = options.forceSignIn ?? true;
    this.logger = options.logger;
    this.metrics = options.metrics;
    this.metrics?.agentSessionState.set(0);
  }

  /** For /readyz. */
  get state(): AgentSessionState {
    return this.currentState;
  }

  /** The agent this session signs in as (not a secret: the id only). */
  get agentId(): string {
    return this.agent.agentId;
  }

  /** What the session did so far (counts only; the Guid itself is never exposed). */
  get stats(): Readonly<{ signIns: number; forcedSignIns: number; guidRotations: number; polls: number }> {
    return { ...this.counters };
  }

  private setState(state: AgentSessionState): void {
    this.currentState = state;
    this.metrics?.agentSessionState.set(state === 'signed_in' ? 1 : 0);
  }

  /** Signs in and starts the event loop; rejects if this first sign-in fails (the loop keeps trying when the gateway was merely unreachable). */
  async start(): Promise<void> {
    try {
      await this.ticket();
    } catch (error) {
      if (isCcError(error) && error.kind === 'unavailable') this.ensureLoop();
      throw error;
    }
  }

  /**
   * Runs `call` with the current Guid. If the gateway answers 000-003 / 100-006 (Guid expired, agent
   * signed out), signs in again once (unless another caller already did) and repeats the call; a
   * second refusal fails as `unauthorized`. `observe` must see the headers of every answer.
   */
  async withGuid<T>(call: (guid: string, observe: (headers: IncomingHttpHeaders) => void) => Promise<T>): Promise<T> {
    const first = await this.ticket();
    try {
      return await call(first.guid, (headers) => this.observe(headers, first.epoch));
    } catch (error) {
      if (!isSessionLost(error)) throw error;
      this.logger?.info({ agentId: this.agent.agentId, code: (error as CcError).code }, 'CC-Gateway session lost; signing in again');
      const second = await this.renew(first);
      try {
        return await call(second.guid, (headers) => this.observe(headers, second.epoch));
      } catch (again) {
        if (!isSessionLost(again)) throw again;
        const refused = again as CcError;
        throw new CcError('unauthorized', `CC-Gateway refused the agent session again after a new sign-in (${refused.code})`, {
          code: refused.code,
          httpStatus: refused.httpStatus,
        });
      }
    }
  }

  /** Signs out (after any sign-in in flight) and ends the event loop. Idempotent. */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopSignal.abort();
    this.stopped = (async () => {
      await this.serialized(async () => {
        const guid = this.guid;
        this.guid = undefined;
        this.epoch++;
        if (this.currentState === 'signed_in' && guid !== undefined) {
          try {
            await this.transport.requestJson({
              name: 'agentSignOut',
              method: 'DELETE',
              path: `${AGENT_PATH}/onlineagent/${this.agent.agentId}/logout`,
              headers: { 'content-type': JSON_CONTENT_TYPE, guid },
              uncapped: true,
            });
            this.logger?.info({ agentId: this.agent.agentId }, 'CC-Gateway agent signed out');
          } catch (error) {
            this.logger?.warn({ agentId: this.agent.agentId, err: describe(error) }, 'CC-Gateway sign-out failed');
          }
        }
        this.setState('signed_out');
      });
      await this.loop;
    })();
    return this.stopped;
  }

  /** The current Guid, signing in first when needed. */
  private async ticket(): Promise<Ticket> {
    if (this.stopSignal.signal.aborted) throw new CcError('unavailable', 'CC-Gateway session has been shut down');
    if (this.currentState === 'signed_in' && this.guid !== undefined) return { guid: this.guid, epoch: this.epoch };
    if (this.signInFlight) return this.signInFlight;
    if (this.refusal && Date.now() < this.refusal.until) throw this.refusal.error;
    return this.signIn();
  }

  /** After `stale` was refused: the newer Guid if one arrived meanwhile, else a new sign-in. */
  private async renew(stale: Ticket): Promise<Ticket> {
    if (this.signInFlight) return this.signInFlight;
    if (this.currentState === 'signed_in' && this.guid !== undefined && (this.epoch !== stale.epoch || this.guid !== stale.guid)) {
      return { guid: this.guid, epoch: this.epoch };
    }
    if (this.stopSignal.signal.aborted) throw new CcError('unavailable', 'CC-Gateway session has been shut down');
    return this.signIn();
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(work, work);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  private signIn(): Promise<Ticket> {
    if (this.signInFlight) return this.signInFlight;
    const flight = this.serialized(async () => {
      if (this.stopSignal.signal.aborted) throw new CcError('unavailable', 'CC-Gateway session has been shut down');
      this.guid = undefined;
      this.epoch++;
      this.setState('signing_in');
      try {
        const answer = await this.putSignIn('');
        const guid = parseSetGuid(answer.headers['set-guid']);
        if (guid === undefined) throw new CcError('other', 'CC-Gateway sign-in answered without a Set-GUID header');
        this.guid = guid;
        this.refusal = undefined;
        this.counters.signIns++;
        this.setState('signed_in');
        this.logger?.info({ agentId: this.agent.agentId }, 'CC-Gateway agent signed in');
        this.ensureLoop();
        return { guid, epoch: this.epoch };
      } catch (error) {
        const failure = signInFailure(error);
        this.setState('failed');
        if (failure.kind === 'unauthorized') this.refusal = { error: failure, until: Date.now() + this.refusalCooldownMs };
        this.logger?.warn({ agentId: this.agent.agentId, code: failure.code, kind: failure.kind }, 'CC-Gateway sign-in failed');
        throw failure;
      }
    });
    this.signInFlight = flight;
    const clear = () => {
      if (this.signInFlight === flight) this.signInFlight = undefined;
    };
    flight.then(clear, clear);
    return flight;
  }

  /** PUT onlineagent/{id}; on 100-002 (signed in elsewhere) the same body to /forcelogin. */
  private async putSignIn(suffix: '' | '/forcelogin'): Promise<JsonAnswer> {
    const body = JSON.stringify({
      password: this.agent.password,
      phonenum: this.agent.phone,
      status: 4, // idle
      autoanswer: false,
      autoenteridle: true,
      releasephone: true,
      agenttype: 4, // PC + phone
    });
    try {
      return await this.transport.requestJson({
        name: suffix === '' ? 'agentSignIn' : 'agentForceSignIn',
        method: 'PUT',
        path: `${AGENT_PATH}/onlineagent/${this.agent.agentId}${suffix}`,
        headers: { 'content-type': JSON_CONTENT_TYPE },
        body,
        uncapped: true,
        // Deliberately not abortable: stop() waits for it and then signs out, so that an agent the
        // platform did sign in is not left behind.
      });
    } catch (error) {
      if (suffix === '' && isCcError(error) && error.code === '100-002') {
        if (!this.forceSignIn) {
          throw new CcError('unavailable', 'CC-Gateway: the agent is still signed in elsewhere (a session that has not ended yet); not forcing', {
            code: '100-002',
            httpStatus: error.httpStatus,
          });
        }
        this.counters.forcedSignIns++;
        this.metrics?.forcedSignIns.inc();
        this.logger?.info({ agentId: this.agent.agentId }, 'CC-Gateway agent already signed in elsewhere; forcing sign-in');
        return this.putSignIn('/forcelogin');
      }
      throw error;
    }
  }

  /** Follows `Set-GUID` on an answer to a request made within session `epoch`. */
  private observe(headers: IncomingHttpHeaders, epoch: number): void {
    if (epoch !== this.epoch || this.currentState !== 'signed_in') return;
    const guid = parseSetGuid(headers['set-guid']);
    if (guid === undefined || guid === this.guid) return;
    this.guid = guid;
    this.counters.guidRotations++;
    this.metrics?.guidRotations.inc();
    this.logger?.debug({ agentId: this.agent.agentId }, 'CC-Gateway Guid rotated');
  }

  private ensureLoop(): void {
    if (this.loop || this.stopSignal.signal.aborted) return;
    // The loop outlives the request that may have started it: its polls and log lines belong to none.
    this.loop = runOutsideRequestContext(() => this.keepAlive()).finally(() => {
      this.loop = undefined;
    });
  }

  /**
   * The event long-poll, which is also the heartbeat (no poll for 2 minutes ⇒ the platform signs
   * the agent out). Ends on stop(), or when a sign-in was refused (then callers drive the next try).
   */
  private async keepAlive(): Promise<void> {
    const { signal } = this.stopSignal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (this.currentState !== 'signed_in' || this.guid === undefined) {
          await this.ticket();
        } else {
          const ticket: Ticket = { guid: this.guid, epoch: this.epoch };
          try {
            await this.poll(ticket);
          } catch (error) {
            if (!isSessionLost(error)) throw error;
            this.logger?.info({ agentId: this.agent.agentId, code: (error as CcError).code }, 'CC-Gateway session lost on the event poll; signing in again');
            await this.renew(ticket);
          }
        }
        failures = 0;
        await sleep(this.pollDelayMs, undefined, { signal });
      } catch (error) {
        if (signal.aborted) return;
        if (isCcError(error) && error.kind === 'unauthorized' && this.currentState === 'failed') return;
        failures++;
        this.logger?.warn({ agentId: this.agent.agentId, err: describe(error), failures }, 'CC-Gateway event poll failed');
        try {
          await sleep(backoffDelayMs(this.failureBackoff, failures), undefined, { signal });
        } catch {
          return;
        }
      }
    }
  }

  private async poll(ticket: Ticket): Promise<void> {
    this.counters.polls++;
    const answer = await this.transport.requestJson({
      name: 'agentEvent',
      method: 'GET',
      path: `${AGENT_PATH}/agentevent/${this.agent.agentId}`,
      headers: { 'content-type': JSON_CONTENT_TYPE, guid: ticket.guid },
      uncapped: true,
      firstByteTimeoutMs: this.pollTimeoutMs,
      signal: this.stopSignal.signal,
      onResponseHeaders: (headers) => this.observe(headers, ticket.epoch),
    });
    const event = (answer.body as { event?: { eventType?: unknown } } | undefined)?.event;
    if (event && typeof event === 'object') {
      this.logger?.debug({ agentId: this.agent.agentId, eventType: event.eventType }, 'CC-Gateway agent event');
    }
  }
}

/** Any refusal of the sign-in itself is the agent's credentials or setup: `unauthorized`. */
function signInFailure(error: unknown): CcError {
  if (!isCcError(error)) {
    return new CcError('unavailable', 'CC-Gateway sign-in failed unexpectedly');
  }
  if (error.kind === 'unavailable' || error.kind === 'flow_control' || error.kind === 'unauthorized') return error;
  if (error.code === undefined) return error;
  return new CcError('unauthorized', `CC-Gateway refused the service agent's sign-in (${error.code})`, {
    code: error.code,
    httpStatus: error.httpStatus,
  });
}

function describe(error: unknown): { kind?: string; code?: string; message: string } {
  if (isCcError(error)) return { kind: error.kind, code: error.code, message: error.message };
  return { message: error instanceof Error ? error.name : 'unknown error' };
}
