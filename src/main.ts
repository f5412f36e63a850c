/**
 * `npm start`: configuration → (embedded simulator when no CC platform is configured) → CC clients →
 * the database (migrated) → the HTTP server → the recording-index ingestion. On SIGTERM / SIGINT:
 * stop accepting, let running streams finish for up to SHUTDOWN_GRACE_SECONDS, stop the ingestion
 * (a file in progress commits or rolls back), sign the service agent out, close the database,
 * exit 0. A second SIGINT exits at once.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createCcClients } from './cc/index.js';
import { startServer } from './server.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { createRedisTokenCache, tokenCacheNamespace } from './data/playback-grants/redis-token-cache.js';
import { createPooledGateway, defaultRelayUrl, openLeaseStore } from './agent-pool/index.js';
import { startSimulator, type Simulator } from './simulator/simulator.js';
import { openDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { createIngestion } from './ingest/index.js';
import { printBanner, shouldPrintBanner } from './banner.js';

/** After the grace period, sign-out and closing get this long before the process gives up. */
const CLEANUP_SECONDS = 10;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const metrics = createMetrics({ defaultMetrics: true });

  let simulator: Simulator | undefined;
  if (config.simulator) {
    simulator = await startSimulator({
      timeZone: config.ccTimeZone,
      // The simulator signs its callbacks with the keys this server verifies them with.
      ...(config.callback.accessKey === undefined ? {} : { callbackAccessKey: config.callback.accessKey }),
      ...(config.callback.secretKey === undefined ? {} : { callbackSecretKey: config.callback.secretKey }),
      // A failed callback is sent again after 30 s (the platform: 10 minutes).
      callbackRetryMs: 30_000,
    });
    const { accessKey, secretKey, agentId, password, phone } = simulator.credentials;
    config = {
      ...config,
      ccfs: { baseUrl: simulator.ccfsBaseUrl, accessKey, secretKey },
      gateway: { baseUrl: simulator.gatewayBaseUrl, agentId, password, phone, agents: simulator.agents },
      // A key per process: links die with the process, which is fine for a demo.
      mediaLinkKeys: config.mediaLinkKeys.length > 0 ? config.mediaLinkKeys : [{ kid: 'dev', key: randomBytes(32) }],
    };
  }

  const database = openDatabase(config.database, { logger });
  const migrated = await migrateToLatest(database);
  logger.info({ database: database.description, applied: migrated.applied }, 'database ready');
  // With a shared store the service agents are a pool that the replicas lease; without one, this
  // process is the only one and signs in as the first agent (src/cc/index.ts).
  const leaseStore = openLeaseStore(config, database);
  const pooled = leaseStore && config.gateway ? createPooledGateway(config, config.gateway, { store: leaseStore, logger, metrics }) : undefined;
  const clients = createCcClients(pooled ? { ...config, gateway: undefined } : config, { logger, metrics });
  if (!pooled && (config.gateway?.agents.length ?? 0) > 1) {
    logger.warn({ agents: config.gateway?.agents.length }, 'CC_GATEWAY_AGENTS without a shared store (DATABASE_URL or REDIS_URL): this process signs in as the first agent only');
  }
  const tokenCache =
    config.redisUrl === undefined || config.ccfs === undefined
      ? undefined
      : createRedisTokenCache({
          url: config.redisUrl,
          namespace: tokenCacheNamespace(config.ccfs),
          reuseMarginSeconds: config.playbackTokenReuseMarginSeconds,
          commandTimeoutMs: config.redisCommandTimeoutMs,
          logger,
        });
  const ingestion = createIngestion({
    config,
    handle: database,
    ccfs: clients.ccfs,
    logger,
    metrics,
    // In simulator mode the sample index is in the database within seconds.
    ...(config.simulator
      ? { tuning: { tickMs: 1_000, pollBackoff: { baseDelayMs: 1_000, maxDelayMs: 10_000 }, retryBackoff: { baseDelayMs: 2_000, maxDelayMs: 30_000 } } }
      : {}),
  });
  const server = await startServer(
    {
      config,
      database,
      ingestion,
      ccfs: clients.ccfs,
      gateway: pooled?.gateway ?? clients.gateway,
      agentSession: pooled ? undefined : clients.session,
      logger,
      metrics,
      ...(tokenCache ? { tokenCache } : {}),
      ...(pooled ? { agentPool: { status: () => pooled.status(), relayRoute: pooled.relayRoute } } : {}),
    },
    '0.0.0.0',
  );
  const port = Number(new URL(server.url).port);
  // Sign the service agent in now, not on the first gateway call: /readyz waits for it.
  clients.session?.start().catch((error: unknown) => {
    logger.warn({ errorName: error instanceof Error ? error.name : 'unknown' }, 'CC-Gateway sign-in failed; /readyz reports not ready');
  });
  // Pooled: take a free agent if there is one (else relay gateway downloads through a holder).
  void pooled?.start(defaultRelayUrl(config, port));
  await ingestion.start();
  logger.info({ port, publicBaseUrl: config.publicBaseUrl, simulator: config.simulator }, 'listening');
  if (shouldPrintBanner(config)) printBanner(config, simulator);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      // Ctrl-C twice: the person at the terminal does not want to wait. A repeated SIGTERM changes nothing.
      if (signal === 'SIGINT') {
        logger.warn({ signal }, 'second SIGINT: exiting without waiting');
        process.exit(1);
      }
      return;
    }
    stopping = true;
    const graceSeconds = config.shutdownGraceSeconds;
    logger.info({ signal, graceSeconds }, 'shutting down: no new connections');
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, (graceSeconds + CLEANUP_SECONDS) * 1000).unref();
    try {
      await pooled?.drain(); // the other replicas stop relaying gateway downloads here
      const drained = await server.close(graceSeconds * 1000);
      logger.info(drained, drained.graceful ? 'requests finished' : 'grace period over: cut the requests still running');
      await ingestion.stop();
      await pooled?.close(); // signs the pool agent out, then gives its lease back
      await clients.close(); // signs the service agent out
      await database.close();
      await tokenCache?.close();
      await simulator?.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ errorName: error instanceof Error ? error.name : 'unknown' }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
