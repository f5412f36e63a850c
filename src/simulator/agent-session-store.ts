/**
 * CC-Gateway agent sessions (docs/cc-platform.md §6.1–6.3): sign-in creates a session and a Guid;
 * in dynamic mode (AUTHMODE=2) the Guid rotates every `guidIntervalMs` on an event-poll answer and
 * the previous one stays valid for `guidTimeoutMs`; static mode (AUTHMODE=1) never rotates. A
 * session without a poll for `idleSignOutMs` is signed out (checked lazily against the clock).
 */
import { randomUUID } from 'node:crypto';

export interface SessionStoreOptions {
  clock: () => number;
  guidMode: 'dynamic' | 'static';
  guidIntervalMs: number;
  guidTimeoutMs: number;
  idleSignOutMs: number;
}

export interface AgentEvent {
  eventType: string;
  workNo: string;
  content: Record<string, unknown> | null;
}

interface GuidRecord {
  value: string;
  issuedAt: number;
  /** Infinity for the current Guid. */
  validUntil: number;
}

export interface AgentSession {
  agentId: string;
  loginTime: number;
  guids: GuidRecord[];
  lastPollAt: number;
  pendingPolls: number;
  events: AgentEvent[];
  /** Wakes waiting polls (new event, sign-out, shutdown). */
  wakers: Set<() => void>;
  rotateRequested: boolean;
  ended: boolean;
}

export type Authorization = { ok: true; session: AgentSession } | { ok: false; retcode: '100-006' | '000-003' };

export class AgentSessionStore {
  private readonly sessions = new Map<string, AgentSession>();

  constructor(private readonly options: SessionStoreOptions) {}

  /** `<uuid>.AgentGateway0`: the form CC-Gateway uses (node suffix 0 for a single node). */
  private newGuid(): string {
    return `${randomUUID()}.AgentGateway0`;
  }

  /** The live session of an agent, signing it out first if it stopped polling too long ago. */
  active(agentId: string): AgentSession | undefined {
    const session = this.sessions.get(agentId);
    if (!session) return undefined;
    const idleFor = this.options.clock() - session.lastPollAt;
    if (session.pendingPolls === 0 && idleFor > this.options.idleSignOutMs) {
      this.end(session);
      return undefined;
    }
    return session;
  }

  signIn(agentId: string): AgentSession {
    const existing = this.sessions.get(agentId);
    if (existing) this.end(existing);
    const now = this.options.clock();
    const session: AgentSession = {
      agentId,
      loginTime: now,
      guids: [{ value: this.newGuid(), issuedAt: now, validUntil: Infinity }],
      lastPollAt: now,
      pendingPolls: 0,
      events: [],
      wakers: new Set(),
      rotateRequested: false,
      ended: false,
    };
    this.sessions.set(agentId, session);
    return session;
  }

  currentGuid(session: AgentSession): string {
    return session.guids[session.guids.length - 1]?.value ?? '';
  }

  /** 100-006 when the agent is not signed in; 000-003 when the Guid is absent, unknown or expired. */
  authorize(agentId: string, guid: string | undefined): Authorization {
    const session = this.active(agentId);
    if (!session) return { ok: false, retcode: '100-006' };
    const now = this.options.clock();
    const valid = guid !== undefined && session.guids.some((record) => record.value === guid && now < record.validUntil);
    return valid ? { ok: true, session } : { ok: false, retcode: '000-003' };
  }

  signOut(agentId: string): boolean {
    const session = this.active(agentId);
    if (!session) return false;
    this.end(session);
    return true;
  }

  private end(session: AgentSession): void {
    session.ended = true;
    if (this.sessions.get(session.agentId) === session) this.sessions.delete(session.agentId);
    for (const wake of session.wakers) wake();
    session.wakers.clear();
  }

  pushEvent(session: AgentSession, event: AgentEvent): void {
    session.events.push(event);
    for (const wake of session.wakers) wake();
    session.wakers.clear();
  }

  /** Marks the start of an event poll (the poll is the heartbeat). */
  pollStarted(session: AgentSession): void {
    session.pendingPolls += 1;
    session.lastPollAt = this.options.clock();
  }

  pollFinished(session: AgentSession): void {
    session.pendingPolls = Math.max(0, session.pendingPolls - 1);
    session.lastPollAt = this.options.clock();
  }

  /** Resolves when an event is queued, the session ends, `ms` pass, or `signal` aborts. */
  waitForEvent(session: AgentSession, ms: number, signal: AbortSignal): Promise<void> {
    if (session.events.length > 0 || session.ended || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        session.wakers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      session.wakers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Called when a poll is answered: the new Guid when it is time to rotate (dynamic mode). */
  rotateIfDue(session: AgentSession): string | undefined {
    if (this.options.guidMode !== 'dynamic' || session.ended) return undefined;
    const now = this.options.clock();
    const current = session.guids[session.guids.length - 1];
    if (!current || (!session.rotateRequested && now - current.issuedAt < this.options.guidIntervalMs)) return undefined;
    session.rotateRequested = false;
    if (current.validUntil === Infinity) current.validUntil = now + this.options.guidTimeoutMs;
    const next: GuidRecord = { value: this.newGuid(), issuedAt: now, validUntil: Infinity };
    session.guids = session.guids.filter((record) => now < record.validUntil).concat(next);
    return next.value;
  }

  /** Every issued Guid stops working now (sessions stay signed in until they time out). */
  expireGuids(): void {
    for (const session of this.sessions.values()) {
      for (const record of session.guids) record.validUntil = -Infinity;
    }
  }

  requestRotation(): void {
    for (const session of this.sessions.values()) session.rotateRequested = true;
  }

  forceSignOut(agentId?: string): void {
    for (const session of [...this.sessions.values()]) {
      if (agentId === undefined || session.agentId === agentId) this.end(session);
    }
  }

  signedInAgents(): string[] {
    return [...this.sessions.keys()].filter((agentId) => this.active(agentId) !== undefined);
  }

  /** Wakes every waiting poll (simulator shutdown). */
  shutdown(): void {
    for (const session of [...this.sessions.values()]) this.end(session);
  }
}
