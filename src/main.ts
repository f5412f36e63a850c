/**
 * `npm start`: configuration → (embedded simulator when no CC platform is configured) → CC clients →
 * the HTTP server. Stops cleanly on SIGTERM / SIGINT.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createCcClients } from './cc/index.js';
import { startServer } from './server.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { startSimulator, type Simulator } from './simulator/simulator.js';
import { printBanner } from './banner.js';

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
  const logger = createLogger();
  const metrics = createMetrics({ defaultMetrics: true });

  let simulator: Simulator | undefined;
  if (config.simulator) {
    simulator = await startSimulator({ timeZone: config.ccTimeZone });
    const { accessKey, secretKey, agentId, password, phone } = simulator.credentials;
    config = {
      ...config,
      ccfs: { baseUrl: simulator.ccfsBaseUrl, accessKey, secretKey },
      gateway: { baseUrl: simulator.gatewayBaseUrl, agentId, password, phone },
      // A key per process: links die with the process, which is fine for a demo.
      mediaLinkKeys: config.mediaLinkKeys.length > 0 ? config.mediaLinkKeys : [{ kid: 'dev', key: randomBytes(32) }],
    };
  }

  const clients = createCcClients(config, { logger, metrics });
  const server = await startServer({ config, ccfs: clients.ccfs, gateway: clients.gateway, logger, metrics }, '0.0.0.0');
  printBanner(config, simulator);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await server.close();
    await clients.close();
    await simulator?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
