/**
 * Leases on the pool's service agents, kept in a store all replicas share (Redis or PostgreSQL), so
 * that each agent is signed in from one replica at a time. A lease names its holder (a random id
 * per process), the address where that replica relays gateway downloads for the others, and
 * whether its agent session is signed in now. A lease that is not renewed expires on its own: a
 * crashed replica's agent becomes free again without anybody forcing a sign-in.
 */

export interface LeaseHolder {
  /** Random per process: a restarted replica is a new holder. */
  holderId: string;
  /** Base URL where this replica serves relayed gateway downloads (internal network). */
  relayUrl: string;
  /** Whether the holder's agent session is signed in (relayed downloads can be served now). */
  ready: boolean;
}

export interface AgentLease extends LeaseHolder {
  agentId: string;
}

export interface LeaseStore {
  /** Takes the first agent of `agentIds` that has no lease; undefined when every one is held. */
  acquire(agentIds: readonly string[], holder: LeaseHolder, ttlMs: number): Promise<string | undefined>;
  /**
   * Extends the holder's lease (and records `holder.ready`); takes the agent again if its lease had
   * expired meanwhile and nobody else took it. False when another holder has it now.
   */
  renew(agentId: string, holder: LeaseHolder, ttlMs: number): Promise<boolean>;
  /** Gives the agent back, only if `holderId` still holds it. */
  release(agentId: string, holderId: string): Promise<void>;
  /** The live leases among `agentIds`. */
  leases(agentIds: readonly string[]): Promise<AgentLease[]>;
  /** Which store this is, for logs and /readyz. */
  readonly kind: 'redis' | 'postgres';
  close(): Promise<void>;
}
