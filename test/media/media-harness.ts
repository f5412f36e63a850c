/**
 * The media route as it runs in production, minus GraphQL: the real CC clients pointed at the real
 * simulator, an express app on 127.0.0.1:0, and a logger whose lines the tests can read.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { MediaLinkKey } from '../../src/config.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { createLinkCodec, createMediaRoute, type LinkCodec } from '../../src/media/index.js';
import type { MintRequest } from '../../src/media/link-target.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { newMediaLinkKey, simulatorConfig } from '../support/env.js';
import { capturingLogger } from '../support/logs.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../support/simulator.js';
import { TEST_TUNING } from '../support/tuning.js';

export interface MediaHarness {
  sim: Simulator;
  clients: CcClients;
  /** The server's own codec (mints links the route accepts). */
  codec: LinkCodec;
  keys: MediaLinkKey[];
  /** Base URL of the express app. */
  url: string;
  metrics: Metrics;
  /** Every log line the route wrote, as raw JSON text. */
  logLines: string[];
  /** Moves the route's clock (expiry tests). */
  advanceClock(ms: number): void;
  mint(request: Omit<MintRequest, 'ttlSeconds'> & { ttlSeconds?: number }): string;
  close(): Promise<void>;
}

export interface MediaHarnessOptions {
  simulator?: SimulatorOptions;
  /** false: the route runs without a CC-Gateway (CC_GATEWAY_BASE_URL unset). */
  withGateway?: boolean;
  /** The route's keys; default one fresh key. */
  keys?: MediaLinkKey[];
}

export async function startMediaHarness(options: MediaHarnessOptions = {}): Promise<MediaHarness> {
  const sim = await startSimulator(options.simulator ?? {});
  const keys = options.keys ?? [newMediaLinkKey('k1')];
  const config = simulatorConfig(sim, {}, { withGateway: options.withGateway ?? true, keys });
  const metrics = createMetrics();
  const { logger, logs } = capturingLogger('info');
  // No retries (a fault injected once is seen once); production waits otherwise.
  const clients = createCcClients(config, { metrics, logger, tuning: { retry: TEST_TUNING.retry } });

  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let clockOffsetMs = 0;
  const codec = createLinkCodec({ keys, publicBaseUrl: url, now: () => Date.now() + clockOffsetMs });
  app.use(createMediaRoute({ codec, ccfs: clients.ccfs, gateway: clients.gateway, logger, metrics }));

  return {
    sim,
    clients,
    codec,
    keys,
    url,
    metrics,
    logLines: logs.raw,
    advanceClock(ms) {
      clockOffsetMs += ms;
    },
    mint(request) {
      return codec.mint({ ttlSeconds: 600, ...request }).url;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await clients.close();
      await sim.close();
    },
  };
}

/** The JSON error body of a media route answer. */
export async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}

/** Waits for the next event on an emitter, or rejects after `ms`. */
export function nextEvent<T>(emitter: NodeJS.EventEmitter, name: string, ms: number, filter: (value: T) => boolean = () => true): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, listener);
      reject(new Error(`no ${name} within ${ms} ms`));
    }, ms);
    const listener = (value: T) => {
      if (!filter(value)) return;
      clearTimeout(timer);
      emitter.off(name, listener);
      resolve(value);
    };
    emitter.on(name, listener);
  });
}
