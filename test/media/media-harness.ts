/**
 * The media route as it runs in production, minus GraphQL: the real CC clients pointed at the real
 * simulator, an express app on 127.0.0.1:0, and a logger whose lines the tests can read.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { loadConfig, type MediaLinkKey } from '../../src/config.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { createLinkCodec, createMediaRoute, type LinkCodec } from '../../src/media/index.js';
import type { MintRequest } from '../../src/media/link-target.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { startSimulator } from '../../src/simulator/simulator.js';
import type { Simulator, SimulatorOptions } from '../../src/simulator/types.js';

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

export function newKey(kid: string): MediaLinkKey {
  return { kid, key: randomBytes(32) };
}

function keysEnv(keys: MediaLinkKey[]): string {
  return keys.map((k) => `${k.kid}:${k.key.toString('base64')}`).join(',');
}

export async function startMediaHarness(options: MediaHarnessOptions = {}): Promise<MediaHarness> {
  const sim = await startSimulator(options.simulator ?? {});
  const keys = options.keys ?? [newKey('k1')];
  const withGateway = options.withGateway ?? true;
  const config = loadConfig({
    CCFS_BASE_URL: sim.ccfsBaseUrl,
    CCFS_AK: sim.credentials.accessKey,
    CCFS_SK: sim.credentials.secretKey,
    ...(withGateway
      ? {
          CC_GATEWAY_BASE_URL: sim.gatewayBaseUrl,
          CC_GATEWAY_AGENT_ID: sim.credentials.agentId,
          CC_GATEWAY_PASSWORD: sim.credentials.password,
          CC_GATEWAY_PHONE: sim.credentials.phone,
        }
      : {}),
    MEDIA_LINK_KEYS: keysEnv(keys),
  });
  const metrics = createMetrics();
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        callback();
      },
    }),
  });
  // No retries: a fault injected once is seen once.
  const clients = createCcClients(config, { metrics, logger, tuning: { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } } });

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
    logLines,
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
