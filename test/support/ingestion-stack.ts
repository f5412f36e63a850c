/**
 * The write side as main.ts wires it, for tests: a simulator (shared or owned), the CC clients, a
 * database (SQLite in a temp dir or a PostgreSQL database, migrated), the ingestion and the real
 * server with POST /cc/callback on 127.0.0.1. Several stacks may share one simulator and one
 * PostgreSQL database (replicas).
 */
import type { DatabaseConfig, Config, Env } from '../../src/config.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createIngestion, type Ingestion, type IngestionDeps } from '../../src/ingest/index.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { simulatorConfig } from './env.js';
import { capturingLogger, type LogCapture } from './logs.js';
import { freePort } from './ports.js';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
import { TEST_TUNING } from './tuning.js';

export interface IngestionStackOptions {
  database: DatabaseConfig;
  /** A simulator the caller owns (not closed by close()). */
  sim?: Simulator;
  simulator?: SimulatorOptions;
  /** Overrides of the environment (RECORDING_INDEX_*, CC_CALLBACK_*, …). */
  env?: Env;
  tuning?: IngestionDeps['tuning'];
  /** Start the ingestion loop (default true). */
  start?: boolean;
}

export interface IngestionStack {
  sim: Simulator;
  config: Config;
  handle: DatabaseHandle;
  clients: CcClients;
  ingestion: Ingestion;
  server: RunningServer;
  metrics: Metrics;
  logs: LogCapture;
  callbackUrl: string;
  /** Stops the loop, the server, the clients, the database and an owned simulator. */
  close(): Promise<void>;
}

/** Fast loops and backoffs, so that retries happen within a test. */
export const FAST_INGESTION: NonNullable<IngestionDeps['tuning']> = {
  tickMs: 50,
  batchSize: 25,
  leaseMs: 30_000,
  retryBackoff: { baseDelayMs: 50, maxDelayMs: 200 },
  pollBackoff: { baseDelayMs: 50, maxDelayMs: 200 },
};

export async function startIngestionStack(options: IngestionStackOptions): Promise<IngestionStack> {
  const sim = options.sim ?? (await startSimulator({ exportDelayMs: 100, callbackRetryMs: 200, ...options.simulator }));
  const port = await freePort();
  const callbackUrl = `http://127.0.0.1:${port}/cc/callback`;
  const config = simulatorConfig(sim, {
    PORT: String(port),
    CC_CALLBACK_URL: callbackUrl,
    RECORDING_INDEX_INTERVAL_SECONDS: '3600',
    CC_CALLBACK_WAIT_SECONDS: '30',
    ...options.env,
  });
  const resolved: Config = { ...config, database: options.database };
  const { logger, logs } = capturingLogger('info');
  const metrics = createMetrics();
  const clients = createCcClients(resolved, { metrics, logger, tuning: TEST_TUNING });
  const handle = openDatabase(resolved.database, { logger });
  await migrateToLatest(handle);
  const ingestion = createIngestion({ config: resolved, handle, ccfs: clients.ccfs, logger, metrics, tuning: { ...FAST_INGESTION, ...options.tuning } });
  const server = await startServer({ config: resolved, ccfs: clients.ccfs, gateway: clients.gateway, logger, metrics, database: handle, ingestion });
  if (options.start ?? true) await ingestion.start();
  return {
    sim,
    config: resolved,
    handle,
    clients,
    ingestion,
    server,
    metrics,
    logs,
    callbackUrl,
    async close() {
      await ingestion.stop();
      await server.close(0);
      await clients.close();
      await handle.close();
      if (!options.sim) await sim.close();
    },
  };
}
