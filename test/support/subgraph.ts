/**
 * The subgraph as main.ts wires it (simulator → CC clients → src/server.ts: GraphQL + media route),
 * in this process on 127.0.0.1, queried over real HTTP.
 */
import { loadConfig, type Config, type DatabaseConfig, type Env } from '../../src/config.js';
import { createCcClients, type CcClients, type CcDeps } from '../../src/cc/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { TokenCache } from '../../src/data/playback-grants/token-cache.js';
import { silentLogger, type Logger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { simulatorEnv } from './env.js';
import { postGraphQL, type GraphQLAnswer } from './graphql-client.js';
import { capturingLogger, type LogCapture } from './logs.js';
import { deadUrl } from './ports.js';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
import { TEST_TUNING } from './tuning.js';
import { openMigratedDatabase, type MigratedDatabase } from './migrated-database.js';

export interface SubgraphOptions {
  /** A simulator the caller owns (not closed by close()); otherwise one is started with `simulator`. */
  sim?: Simulator;
  simulator?: SimulatorOptions;
  /** false: no CC-Gateway configured (CC_GATEWAY_* unset). Default true. */
  withGateway?: boolean;
  /** Point CC-FS at a port where nothing listens. */
  unreachableCcfs?: boolean;
  /** Overrides of the environment given to loadConfig. */
  env?: Env;
  tokenCache?: TokenCache;
  tuning?: CcDeps['tuning'];
  /** Capture JSON log lines at this level (in `logs`); default a silent logger. */
  logLevel?: string;
  /**
   * The service agent's session: 'none' leaves it out of the server (readiness ignores it; the
   * gateway client signs in on first use), 'wired' gives it to the server without signing in,
   * 'started' also signs in before the server listens, as main.ts does (a refused sign-in shows in
   * readiness, as in production, not here). Default 'none'.
   */
  session?: 'none' | 'wired' | 'started';
  /** The recording-index database (e.g. from testDatabases()); default a fresh SQLite file in a temp directory. */
  database?: DatabaseConfig;
}

/** As main.ts runs it: the agent session wired and signed in, debug log lines captured. */
export const LIKE_MAIN = { session: 'started', logLevel: 'debug' } as const satisfies SubgraphOptions;

export interface Subgraph {
  sim: Simulator;
  config: Config;
  clients: CcClients;
  server: RunningServer;
  metrics: Metrics;
  logger: Logger;
  /** The migrated recording-index database the server reads. */
  database: MigratedDatabase;
  /** The captured log lines (empty unless `logLevel` was given). */
  logs: LogCapture;
  /** POSTs a query to /graphql. */
  query<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLAnswer<TData>>;
  /** Stops the server (draining for `graceMs`, default 0: requests still running are cut), the clients and an owned simulator. */
  close(graceMs?: number): Promise<void>;
}

export async function startSubgraph(options: SubgraphOptions = {}): Promise<Subgraph> {
  const sim = options.sim ?? (await startSimulator(options.simulator ?? {}));
  const env = simulatorEnv(sim, {
    withGateway: options.withGateway ?? true,
    ...(options.unreachableCcfs ? { ccfsUrl: await deadUrl() } : {}),
  });
  const config = loadConfig({ ...env, ...options.env });
  const { logger: capturing, logs } = capturingLogger(options.logLevel ?? 'silent');
  const logger = options.logLevel === undefined ? silentLogger : capturing;
  const metrics = createMetrics();
  const clients = createCcClients(config, { metrics, logger, tuning: options.tuning ?? TEST_TUNING });
  const session = options.session ?? 'none';
  if (session === 'started') await clients.session?.start().catch(() => undefined);
  const database = await openMigratedDatabase(options.database);
  const server = await startServer({
    database: database.handle,
    config,
    ccfs: clients.ccfs,
    gateway: clients.gateway,
    ...(session === 'none' ? {} : { agentSession: clients.session }),
    logger,
    metrics,
    ...(options.tokenCache ? { tokenCache: options.tokenCache } : {}),
  });
  return {
    sim,
    config,
    clients,
    server,
    metrics,
    logger,
    logs,
    database,
    query: (query, variables, headers) => postGraphQL(server.graphqlUrl, query, variables, headers),
    async close(graceMs = 0) {
      await server.close(graceMs);
      await clients.close();
      if (!options.sim) await sim.close();
      await database.close();
    },
  };
}
