/**
 * This replica's part in the CC-Gateway agent pool. Every round it either renews the lease on the
 * agent it holds (every third of the lease time, at most 5 s), or, holding none, tries to take a
 * free one (every 2 s at most, so that an agent given back is taken over within seconds). Holding an agent, it keeps that agent's session (sign-in without ever forcing, event poll,
 * Guid rotation); without one, gateway downloads are relayed through a replica that has one.
 *
 * - Giving back (stop): sign the agent out first, then release the lease, so the next holder's
 *   sign-in never overlaps this sign-out (the platform forbids that).
 * - A lease found taken by another holder (this replica stalled or lost the store for longer than
 *   the lease): sign out, so that the new holder's sign-in succeeds without forcing.
 * - A replica that crashed stops renewing: its lease expires; the next holder's sign-in is refused
 *   with 100-002 until the platform ends the silent session (2 minutes without a poll), and is
 *   retried until then. Nobody forces a sign-in.
 * - Store unreachable: a held agent is kept (its session does not depend on the store); a replica
 *   without one keeps relaying to the holders it last saw.
 */
import { randomUUID } from 'node:crypto';
import type { GatewayAgentCredentials } from '../config.js';
import type { AgentSessionState } from '../cc/gateway-session.js';
import type { GatewayApi } from '../cc/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AgentLease, LeaseHolder, LeaseStore } from './lease-store.js';

/** One held agent's session and the client that downloads through it. */
export interface HeldAgent {
  readonly agentId: string;
  readonly state: AgentSessionState;
  readonly gateway: GatewayApi;
  /** Signs in (rejecting if the first try fails; the session keeps trying on its own). */
  start(): Promise<void>;
  /** Signs out and ends the session's loop. */
  stop(): Promise<void>;
}

export interface AgentPoolOptions {
  agents: readonly GatewayAgentCredentials[];
  store: LeaseStore;
  leaseTtlMs: number;
  /** Builds the session of an agent this replica just took. */
  openSession: (agent: GatewayAgentCredentials) => HeldAgent;
  logger: Logger;
  metrics: Metrics;
}

export interface AgentPoolStatus {
  /** The agent this replica holds, or null. */
  heldAgentId: string | null;
  /** Its session's state; 'none' without an agent. */
  session: AgentSessionState | 'none';
  /** Pool agents no replica holds (as last seen in the store). */
  free: number;
  /** Agents held by some replica whose session is signed in (as last seen). */
  signedIn: number;
  size: number;
  store: LeaseStore['kind'];
}

export class AgentPool {
  readonly holderId = randomUUID();
  private relayUrl = '';
  private held: HeldAgent | undefined;
  private draining = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private lastSeen: AgentLease[] = [];
  private lastWarning = 0;
  private readonly agentIds: string[];
  private readonly roundMs: number;
  private readonly seekMs: number;

  constructor(private readonly options: AgentPoolOptions) {
    this.agentIds = options.agents.map((agent) => agent.agentId);
    this.roundMs = Math.min(Math.floor(options.leaseTtlMs / 3), 5_000);
    this.seekMs = Math.min(this.roundMs, 2_000);
    options.metrics.agentPoolSize.set(this.agentIds.length);
    options.metrics.agentPoolFree.set(this.agentIds.length);
    for (const agentId of this.agentIds) options.metrics.agentPoolHeld.set({ agent_id: agentId }, 0);
  }

  /** Starts taking part: the first round runs now. `relayUrl`: where the other replicas reach this one. */
  start(relayUrl: string): Promise<void> {
    this.relayUrl = relayUrl;
    return this.runRound();
  }

  /** The held agent's gateway client while its session is signed in. */
  localGateway(): GatewayApi | undefined {
    return this.held?.state === 'signed_in' ? this.held.gateway : undefined;
  }

  status(): AgentPoolStatus {
    const held = this.lastSeen.length;
    return {
      heldAgentId: this.held?.agentId ?? null,
      session: this.held?.state ?? 'none',
      free: this.agentIds.length - held,
      signedIn: this.lastSeen.filter((lease) => lease.ready).length,
      size: this.agentIds.length,
      store: this.options.store.kind,
    };
  }

  /** The other replicas' leases, fresh from the store (the last ones seen when it cannot be asked). */
  async otherHolders(): Promise<AgentLease[]> {
    try {
      this.lastSeen = await this.options.store.leases(this.agentIds);
    } catch (error) {
      this.warn('leases', error);
    }
    return this.lastSeen.filter((lease) => lease.holderId !== this.holderId);
  }

  /**
   * Shutdown has begun: the lease now says "not ready" (the others stop relaying here) and no agent
   * is taken any more; the agent held is kept while running requests finish.
   */
  drain(): Promise<void> {
    this.draining = true;
    return this.runRound();
  }

  /** Signs the held agent out, then gives its lease back. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.draining = true;
    clearTimeout(this.timer);
    await this.round;
    await this.giveBack('stopping');
  }

  private runRound(): Promise<void> {
    clearTimeout(this.timer);
    this.round = this.round.then(async () => {
      if (this.stopped) return;
      await this.oneRound();
      if (!this.stopped) this.timer = setTimeout(() => void this.runRound(), this.held ? this.roundMs : this.seekMs).unref();
    });
    return this.round;
  }

  private holder(): LeaseHolder {
    return { holderId: this.holderId, relayUrl: this.relayUrl, ready: this.held?.state === 'signed_in' && !this.draining };
  }

  private async oneRound(): Promise<void> {
    const { store, leaseTtlMs, logger } = this.options;
    try {
      if (this.held) {
        const kept = await store.renew(this.held.agentId, this.holder(), leaseTtlMs);
        if (!kept) {
          logger.warn({ agentId: this.held.agentId }, 'agent lease now held by another replica; signing this one out');
          await this.giveBack('lease lost', false);
        }
      } else if (!this.draining) {
        const agentId = await store.acquire(this.agentIds, this.holder(), leaseTtlMs);
        if (agentId !== undefined) this.take(agentId);
      }
      this.lastSeen = await store.leases(this.agentIds);
    } catch (error) {
      this.warn('round', error);
    }
    this.publishMetrics();
  }

  private take(agentId: string): void {
    const agent = this.options.agents.find((candidate) => candidate.agentId === agentId)!;
    const held = this.options.openSession(agent);
    this.held = held;
    this.options.logger.info({ agentId }, 'agent lease taken; signing in');
    held.start().then(
      // Say "ready" in the lease now rather than at the next round.
      () => {
        if (this.held === held && !this.stopped) void this.runRound();
      },
      () => undefined, // the session retries by itself (and logs why)
    );
  }

  private async giveBack(why: string, release = true): Promise<void> {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    await held.stop();
    if (release) {
      try {
        await this.options.store.release(held.agentId, this.holderId);
      } catch (error) {
        // It expires by itself within the lease time.
        this.warn('release', error);
      }
    }
    this.options.logger.info({ agentId: held.agentId, why }, 'agent signed out and lease given back');
    this.publishMetrics();
  }

  private publishMetrics(): void {
    const { metrics } = this.options;
    metrics.agentPoolFree.set(this.agentIds.length - this.lastSeen.length);
    for (const agentId of this.agentIds) metrics.agentPoolHeld.set({ agent_id: agentId }, this.held?.agentId === agentId ? 1 : 0);
  }

  private warn(operation: string, error: unknown): void {
    // One line per 30 s at most: a store outage must not flood the logs.
    if (Date.now() - this.lastWarning < 30_000) return;
    this.lastWarning = Date.now();
    this.options.logger.warn(
      { operation, store: this.options.store.kind, errorName: error instanceof Error ? error.name : 'unknown' },
      'agent lease store unavailable',
    );
  }
}
