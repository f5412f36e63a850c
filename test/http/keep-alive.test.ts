/**
 * Router-safe keep-alive. A router keeps idle connections to the subgraph open for its own idle
 * timeout (about 60 s) and sends the next request on one of them. If this server closes idle
 * connections sooner, the router can send a request on a socket at the moment the server closes
 * it: the request is lost (reset, or closed without an answer) and a POST is not resent.
 *
 * The race is reproduced without timing luck: the "router" is a raw socket that ignores the
 * server's FIN (allowHalfOpen), exactly what a router does when its write crosses the FIN on the
 * wire. With the server's timeout below the router's idle time the second request is lost; with
 * HTTP_KEEP_ALIVE_TIMEOUT_SECONDS above it, the same client reusing the same idle connection is
 * answered.
 */
import { openMigratedDatabase } from '../support/migrated-database.js';
import net from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { CcfsApi } from '../../src/cc/types.js';

const noCcfs = new Proxy({} as CcfsApi, {
  get: () => () => Promise.reject(new Error('CC-FS is not part of this test')),
});

async function startWithKeepAlive(seconds: string): Promise<RunningServer> {
  const config = loadConfig({
    PORT: '0',
    CCFS_BASE_URL: 'http://127.0.0.1:9',
    CCFS_AK: 'ak',
    CCFS_SK: 'sk',
    MEDIA_LINK_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    NODE_ENV: 'test',
    HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: seconds,
  });
  const database = await openMigratedDatabase();
  const server = await startServer({ config, ccfs: noCcfs, gateway: undefined, logger: silentLogger, metrics: createMetrics(), database: database.handle });
  return { ...server, close: async (graceMs) => server.close(graceMs).finally(() => database.close()) };
}

type Outcome = 'answered' | 'lost';

/** A keep-alive client that does not notice a FIN: it writes its next request regardless. */
class RouterConnection {
  private readonly socket: net.Socket;
  private buffer = '';
  private waiters: Array<() => void> = [];
  private ended = false;
  private failed = false;
  readonly finReceived: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.wake();
    });
    this.finReceived = new Promise((resolve) => this.socket.once('end', () => resolve()));
    this.socket.once('end', () => {
      this.ended = true;
      this.wake();
    });
    this.socket.on('error', () => {
      this.failed = true;
      this.wake();
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Sends a POST (a router never resends those) and waits for a whole answer or the end of the socket. */
  async post(): Promise<Outcome> {
    this.buffer = '';
    const body = '{"query":"{ __typename }"}';
    this.socket.write(
      `POST /graphql HTTP/1.1\r\nHost: subgraph\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`,
    );
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd >= 0) {
        const length = /content-length:\s*(\d+)/i.exec(this.buffer.slice(0, headerEnd));
        if (length && this.buffer.length >= headerEnd + 4 + Number(length[1])) return this.buffer.startsWith('HTTP/1.1 200') ? 'answered' : 'lost';
      }
      if (this.ended || this.failed) return 'lost';
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('keep-alive timeout above the router idle timeout', () => {
  let server: RunningServer | undefined;
  let router: RouterConnection | undefined;
  afterEach(async () => {
    router?.close();
    await server?.close(0);
    server = undefined;
  });

  it('defaults to 65 s with the headers timeout above it', async () => {
    const config = loadConfig({});
    expect(config.httpKeepAliveTimeoutSeconds).toBe(65);
    server = await startWithKeepAlive('65');
    expect(server.httpServer.keepAliveTimeout).toBe(65_000);
    expect(server.httpServer.headersTimeout).toBeGreaterThan(65_000);
    expect(server.httpServer.headersTimeout).toBeLessThan(server.httpServer.requestTimeout);
  });

  it('reproduces the race when the server gives up on idle connections first: the request is lost', async () => {
    server = await startWithKeepAlive('1');
    router = new RouterConnection(Number(new URL(server.url).port));
    expect(await router.post()).toBe('answered');
    // The server closes the idle connection after 1 s; the router, whose own idle timeout is longer,
    // still counts it as reusable and sends its next request as the FIN arrives.
    await router.finReceived;
    expect(await router.post()).toBe('lost');
  });

  it('is gone when the server keeps idle connections longer than the router does', async () => {
    server = await startWithKeepAlive('6');
    router = new RouterConnection(Number(new URL(server.url).port));
    expect(await router.post()).toBe('answered');
    // The router reuses the connection after 2 s idle (its own idle timeout is, say, 3 s < 6 s).
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await router.post()).toBe('answered');
    // Still the same connection: the server saw exactly one.
    const connections = await new Promise<number>((resolve) => server!.httpServer.getConnections((_e, n) => resolve(n)));
    expect(connections).toBe(1);
  });

  it('refuses a keep-alive timeout outside 1–290 s by name', () => {
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '0' })).toThrow(/^HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: /);
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '300' })).toThrow(/^HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: /);
  });
});
