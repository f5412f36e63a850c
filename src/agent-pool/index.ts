/**
 * Wiring of the CC-Gateway agent pool (several replicas, CC_GATEWAY_AGENTS, a shared lease store):
 * the gateway transport, a session per agent this replica takes, the relay both ways, and the
 * GatewayApi the rest of the subgraph uses. Without a shared store (PostgreSQL, else Redis) the pool
 * is not used: one process signs in as the first agent (src/cc/index.ts), as before.
 */
import os from 'node:os';
import type express from 'express';
import type { Config, GatewayAgentCredentials, GatewayConfig } from '../config.js';
import { GatewayClient } from '../cc/gateway-client.js';
import { GatewaySession, type GatewaySessionOptions } from '../cc/gateway-session.js';
import { HttpTransport, type TransportTimeouts } from '../cc/http-transport.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../cc/retry.js';
import type { GatewayApi } from '../cc/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { AgentPool, type AgentPoolStatus, type HeldAgent } from './agent-pool.js';
import type { LeaseStore } from './lease-store.js';
import { PooledGateway } from './pooled-gateway.js';
import { createRelayAuth } from './relay-auth.js';
import { RelayClient } from './relay-client.js';
import { createRelayRoute } from './relay-route.js';
import type { DatabaseHandle } from '../db/connection.js';
import { createPostgresLeaseStore } from './postgres-lease-store.js';
import { createRedisLeaseStore } from './redis-lease-store.js';

export interface AgentPoolTuning extends Partial<TransportTimeouts> {
  retry?: RetryPolicy;
  session?: Omit<GatewaySessionOptions, 'logger' | 'metrics' | 'forceSignIn'>;
  /** Lease time in ms (default: CC_GATEWAY_LEASE_SECONDS). */
  leaseTtlMs?: number;
  /** Until a relaying holder's response headers. */
  relayFirstByteTimeoutMs?: number;
}

export interface PooledGatewayWiring {
  /** What GraphQL and the media route download through. */
  gateway: GatewayApi;
  pool: AgentPool;
  /** Mount on the server: GET /internal/cc-gateway/… (relayed downloads served for other replicas). */
  relayRoute: express.Router;
  status(): AgentPoolStatus;
  /** Takes part in the pool; `relayUrl`: how the other replicas reach this one. */
  start(relayUrl: string): Promise<void>;
  /** SIGTERM: stop taking agents, tell the others not to relay here any more. */
  drain(): Promise<void>;
  /** Signs out, gives the lease back, closes the store and the connections. */
  close(): Promise<void>;
}

export interface AgentPoolDeps {
  store: LeaseStore;
  logger: Logger;
  metrics: Metrics;
  tuning?: AgentPoolTuning;
}

export function createPooledGateway(config: Config, gatewayConfig: GatewayConfig, deps: AgentPoolDeps): PooledGatewayWiring {
  const { store, logger, metrics, tuning = {} } = deps;
  const transport = new HttpTransport({
    upstream: 'CC-Gateway',
    baseUrl: gatewayConfig.baseUrl,
    tls: config.tls,
    maxConcurrency: config.ccMaxConcurrency,
    metrics,
    timeouts: { connectTimeoutMs: tuning.connectTimeoutMs, firstByteTimeoutMs: tuning.firstByteTimeoutMs },
  });
  const retry = tuning.retry ?? DEFAULT_RETRY_POLICY;
  const openSession = (agent: GatewayAgentCredentials): HeldAgent => {
    // Never forced: the session a 100-002 points at is another replica's, ending by itself.
    const session = new GatewaySession(transport, agent, { ...tuning.session, forceSignIn: false, logger, metrics });
    const gateway = new GatewayClient(transport, session, agent.agentId, { retry });
    return {
      agentId: agent.agentId,
      get state() {
        return session.state;
      },
      gateway,
      start: () => session.start(),
      stop: () => session.stop(),
    };
  };
  const pool = new AgentPool({
    agents: gatewayConfig.agents,
    store,
    leaseTtlMs: tuning.leaseTtlMs ?? config.agentLeaseSeconds * 1000,
    openSession,
    logger,
    metrics,
  });
  const auth = createRelayAuth(config.mediaLinkKeys);
  const relay = new RelayClient({
    auth,
    holders: () => pool.otherHolders(),
    metrics,
    ...(tuning.relayFirstByteTimeoutMs === undefined ? {} : { firstByteTimeoutMs: tuning.relayFirstByteTimeoutMs }),
  });
  return {
    gateway: new PooledGateway(() => pool.localGateway(), relay),
    pool,
    relayRoute: createRelayRoute({ auth, localGateway: () => pool.localGateway(), logger, metrics }),
    status: () => pool.status(),
    start: (relayUrl) => pool.start(relayUrl),
    drain: () => pool.drain(),
    async close() {
      await pool.stop();
      relay.close();
      transport.close();
      await store.close();
    },
  };
}

/** INTERNAL_BASE_URL, else this host's first non-internal IPv4 address (the pod IP in Kubernetes) and the bound port. */
export function defaultRelayUrl(config: Config, boundPort: number): string {
  if (config.internalBaseUrl !== undefined) return config.internalBaseUrl;
  const address = Object.values(os.networkInterfaces())
    .flat()
    .find((info) => info !== undefined && info.family === 'IPv4' && !info.internal)?.address;
  return `http://${address ?? '127.0.0.1'}:${boundPort}`;
}

/**
 * The store the replicas share for agent leases: PostgreSQL when the recording-index database is
 * PostgreSQL (DATABASE_URL; its handle is shared, the `agent_lease` table comes with its
 * migrations), else Redis when REDIS_URL is set, else none (one process: no pool).
 */
export function openLeaseStore(config: Config, database: Pick<DatabaseHandle, 'dialect' | 'db'> | undefined): LeaseStore | undefined {
  if (config.gateway === undefined) return undefined;
  const namespace = config.gateway.baseUrl;
  if (database?.dialect === 'postgres') return createPostgresLeaseStore({ db: database.db, namespace });
  if (config.redisUrl !== undefined) return createRedisLeaseStore({ url: config.redisUrl, namespace });
  return undefined;
}

export { AgentPool, type AgentPoolStatus } from './agent-pool.js';
export type { AgentLease, LeaseHolder, LeaseStore } from './lease-store.js';
export { createRedisLeaseStore } from './redis-lease-store.js';
export { createPostgresLeaseStore } from './postgres-lease-store.js';
