/**
 * Three replicas behind a load balancer, on loopback: nginx round-robin in front of three subgraph
 * processes (src/main.ts, as `npm start` runs it), one redis-server (the playback token cache),
 * one PostgreSQL (the agent leases and the recording index), and the simulator with a pool of two service agents for three
 * replicas (the uneven case: one replica relays its gateway downloads through a holder). A replica
 * can be stopped with SIGTERM and started again on its port.
 */
import { startLoadBalancer, type LoadBalancer } from '../support/nginx.js';
import { freePort } from '../support/ports.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { startSimulator, type Simulator } from '../support/simulator.js';
import { spawnSubgraph, type SubgraphProcess } from '../support/subgraph-process.js';
import { POOL_AGENTS, poolEnv, processEnv, REFERENCE_AGENT } from '../agent-pool/pool-harness.js';

/** Above the grace period: the stopped replica keeps its agent while it drains, then hands it over. */
export const LEASE_SECONDS = 20;
export const GRACE_SECONDS = 8;

export interface ReplicaStatus {
  ready: boolean;
  heldAgentId: string | null;
  session: string;
  free: number;
}

export interface Replica {
  name: string;
  port: number;
  url: string;
  process: SubgraphProcess | undefined;
  /** /readyz of this replica; undefined when it does not answer. */
  status(): Promise<ReplicaStatus | undefined>;
  /** Its JSON log lines at warn and above, from every process it ran as. */
  logLines: Array<Record<string, unknown>>;
  /** SIGTERM; resolves when the process has exited (after its drain and sign-out). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

export interface ReplicaStack {
  sim: Simulator;
  redis: TestRedis;
  postgres: TestPostgres;
  databaseUrl: string;
  lb: LoadBalancer;
  replicas: Replica[];
  close(): Promise<void>;
}

export async function startReplicaStack(options: { simulator?: { pollWaitMs?: number } } = {}): Promise<ReplicaStack> {
  const sim = await startSimulator({
    agents: [...POOL_AGENTS, REFERENCE_AGENT],
    pollWaitMs: options.simulator?.pollWaitMs ?? 1_000,
    // Node's 5 s default is far below what CC servers keep; with three replicas starving for CPU,
    // a replica then reuses a connection the simulator is closing (ECONNRESET, a 503 for its client):
    // the race of "Router-safe HTTP" on the CC side, which src/cc's transport does not retry yet.
    keepAliveTimeoutMs: 65_000,
  });
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  const databaseUrl = await postgres.createDatabase();
  const lbPort = await freePort();
  const ports = [await freePort(), await freePort(), await freePort()];
  const lbUrl = `http://127.0.0.1:${lbPort}`;
  const env = {
    ...processEnv(poolEnv(sim, databaseUrl, POOL_AGENTS, LEASE_SECONDS)),
    REDIS_URL: redis.url,
    // Links are minted on the load balancer's address: any replica may serve them.
    PUBLIC_BASE_URL: lbUrl,
    SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
    // Three replicas, nginx, the simulator and the load share two cores: a replica's event loop can
    // stall past the 500 ms default, and a token lookup would then count as a miss (README, Scale-out).
    REDIS_COMMAND_TIMEOUT_MS: process.env.REPLICAS_REDIS_COMMAND_TIMEOUT_MS ?? '3000',
    LOG_LEVEL: process.env.REPLICAS_LOG_LEVEL ?? 'warn',
    // The recording index: a new window every 10 s, asked by one replica, its file ingested by one.
    RECORDING_INDEX_INTERVAL_SECONDS: '10',
  };

  const replicas: Replica[] = ports.map((port, index) => {
    const url = `http://127.0.0.1:${port}`;
    const replica: Replica = {
      name: `replica-${index + 1}`,
      port,
      url,
      process: undefined,
      logLines: [],
      async status() {
        try {
          const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
          const body = (await response.json()) as { agentPool?: { heldAgentId: string | null; session: string; free: number } };
          return {
            ready: response.status === 200,
            heldAgentId: body.agentPool?.heldAgentId ?? null,
            session: body.agentPool?.session ?? 'none',
            free: body.agentPool?.free ?? 0,
          };
        } catch {
          return undefined;
        }
      },
      async stop() {
        await replica.process?.stop();
        replica.logLines.push(...(replica.process?.lines ?? []));
        replica.process = undefined;
      },
      async start() {
        replica.process = await spawnSubgraph(sim, { withGateway: false, port, env, captureLogs: true });
      },
    };
    return replica;
  });
  // One at a time: the first replicas take the agents in order, the last one relays.
  for (const replica of replicas) await replica.start();
  const lb = await startLoadBalancer({
    upstreams: ports.map((port) => `127.0.0.1:${port}`),
    listenPort: lbPort,
    // A router resends a request that failed before any byte of an answer came back (Apollo Router
    // retries queries; nginx needs `non_idempotent` for a POST). nginx has no health checks: it
    // keeps using the connections it had open to a stopping replica, and the last ones the replica
    // closes can cross a request on the wire. REPLICAS_NGINX_RETRY=0 shows what that costs without.
    locationDirectives: process.env.REPLICAS_NGINX_RETRY === '0' ? [] : ['proxy_next_upstream error timeout non_idempotent;', 'proxy_next_upstream_tries 3;'],
  });

  return {
    sim,
    redis,
    postgres,
    databaseUrl,
    lb,
    replicas,
    async close() {
      await lb.stop();
      await Promise.all(replicas.map((replica) => replica.stop()));
      await sim.close();
      await Promise.all([redis.stop(), postgres.stop()]);
    },
  };
}
