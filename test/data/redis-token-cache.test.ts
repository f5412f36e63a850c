/**
 * Scale-out: two replicas and one real redis-server. A playback token that one replica got from
 * requestPlayVoice is reused by the other, which then asks CC-FS for nothing; Redis holds no file
 * names and expires entries with the token; a Redis outage only costs the cache. `forget` is one
 * compare-and-delete script, so a fresh token another replica stored meanwhile survives.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { Redis } from 'ioredis';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import type { Config } from '../../src/config.js';
import { createRedisTokenCache, tokenCacheNamespace, type RedisTokenCache } from '../../src/data/playback-grants/redis-token-cache.js';
import { MIN_REMAINING_SECONDS } from '../../src/data/playback-grants/token-cache.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { openMigratedDatabase } from '../support/migrated-database.js';
import { simulatorConfig } from '../support/env.js';
import { postGraphQL } from '../support/graphql-client.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { startSimulator, type Simulator } from '../support/simulator.js';
import { TEST_TUNING } from '../support/tuning.js';

interface Replica {
  server: RunningServer;
  clients: CcClients;
  cache: RedisTokenCache;
  tokens(fileNames: string[]): Promise<string[]>;
  close(): Promise<void>;
}

async function startReplica(config: Config, redisUrl: string): Promise<Replica> {
  const metrics = createMetrics();
  const clients = createCcClients(config, { logger: silentLogger, metrics, tuning: TEST_TUNING });
  const cache = createRedisTokenCache({ url: redisUrl, namespace: tokenCacheNamespace(config.ccfs!), logger: silentLogger });
  await cache.ready();
  const database = await openMigratedDatabase();
  const server = await startServer({ config, ccfs: clients.ccfs, gateway: clients.gateway, logger: silentLogger, metrics, tokenCache: cache, database: database.handle });
  return {
    server,
    clients,
    cache,
    async tokens(fileNames) {
      const query = `{ recordings(fileNames: ${JSON.stringify(fileNames)}) { playback { token } } }`;
      const answer = await postGraphQL(server.graphqlUrl, query);
      expect(answer.errors).toBeUndefined();
      return (answer.data?.recordings as Array<{ playback: { token: string } }>).map((recording) => recording.playback.token);
    },
    async close() {
      await server.close(0);
      await clients.close();
      await cache.close();
      await database.close();
    },
  };
}

describe('REDIS_URL: the playback token cache shared by replicas', () => {
  let redis: TestRedis;
  let sim: Simulator;
  let a: Replica;
  let b: Replica;
  let fileNames: string[];
  const playVoiceCalls = () => sim.counters.calls.requestPlayVoice;

  beforeAll(async () => {
    redis = await startRedis();
    sim = await startSimulator({});
    const config = simulatorConfig(sim, { CC_GATEWAY_BASE_URL: '', REDIS_URL: redis.url });
    expect(config.redisUrl).toBe(redis.url);
    a = await startReplica(config, config.redisUrl!);
    b = await startReplica(config, config.redisUrl!);
    fileNames = sim.samples.recordings.slice(0, 3);
    expect(fileNames).toHaveLength(3);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await sim?.close();
    await redis?.stop();
  });

  it('lets the second replica reuse the tokens the first one fetched: 0 requestPlayVoice calls', async () => {
    const before = playVoiceCalls();
    const fromA = await a.tokens(fileNames);
    expect(playVoiceCalls() - before).toBe(fileNames.length);

    const afterA = playVoiceCalls();
    const fromB = await b.tokens(fileNames);
    expect(playVoiceCalls() - afterA).toBe(0);
    expect(fromB).toEqual(fromA);
  });

  it('shares in both directions, and the backslash form is the same file', async () => {
    const other = sim.samples.recordings[3]!;
    const before = playVoiceCalls();
    const [fromB] = await b.tokens([other]);
    const [fromA] = await a.tokens([other.replace(/\//g, '\\')]);
    expect(playVoiceCalls() - before).toBe(1);
    expect(fromA).toBe(fromB);
  });

  it('stores hashed keys only, expiring when the token stops being reusable', async () => {
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      expect(keys.length).toBeGreaterThanOrEqual(4);
      for (const key of keys) {
        expect(key).toMatch(/^cc-media-subgraph:playback-token:[A-Za-z0-9_-]{43}$/);
        const ttlMs = await client.pttl(key);
        // A 30-minute token is reused for at most 30 − 5 minutes.
        expect(ttlMs).toBeGreaterThan(0);
        expect(ttlMs).toBeLessThanOrEqual((30 * 60 - MIN_REMAINING_SECONDS) * 1000);
      }
      const values = await Promise.all(keys.map((key) => client.get(key)));
      expect(values.join()).not.toContain('Y:/');
    } finally {
      client.disconnect();
    }
  });

  it('falls back to CC-FS when Redis is gone, without failing the request', async () => {
    await redis.stop();
    const other = sim.samples.recordings[4] ?? sim.samples.recordings[0]!;
    const before = playVoiceCalls();
    const [token] = await a.tokens([other]);
    expect(token).toEqual(expect.any(String));
    expect(playVoiceCalls() - before).toBe(1);
  });
});

describe('forget: compare-and-delete in one Redis script', () => {
  let redis: TestRedis;
  let a: RedisTokenCache;
  let b: RedisTokenCache;
  const namespace = 'http://ccfs.invalid\nak';
  const grant = (token: string): { token: string; expiresAt: Date } => ({ token, expiresAt: new Date(Date.now() + 30 * 60_000) });

  beforeAll(async () => {
    redis = await startRedis();
    a = createRedisTokenCache({ url: redis.url, namespace, logger: silentLogger });
    b = createRedisTokenCache({ url: redis.url, namespace, logger: silentLogger });
    await Promise.all([a.ready(), b.ready()]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('deletes the refused token, and keeps a fresh one that another replica stored meanwhile', async () => {
    await a.set('Y:/f/1.V3', grant('old'));
    await a.forget('Y:/f/1.V3', 'old');
    expect(await b.get('Y:/f/1.V3')).toBeUndefined();

    await a.set('Y:/f/2.V3', grant('old'));
    await b.set('Y:/f/2.V3', grant('fresh')); // replica b renewed first
    await a.forget('Y:/f/2.V3', 'old'); // replica a only now reports its refused token
    expect((await b.get('Y:/f/2.V3'))?.token).toBe('fresh');

    // A token that merely contains the refused one is a different token.
    await a.set('Y:/f/3.V3', grant('old-but-longer'));
    await a.forget('Y:/f/3.V3', 'old');
    expect((await a.get('Y:/f/3.V3'))?.token).toBe('old-but-longer');
  });

  it('is one command on the wire (a script Redis runs atomically), never a GET and a DEL', async () => {
    const monitorClient = new Redis(redis.url);
    const monitor = await monitorClient.monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (!source.includes('lua')) seen.push(args);
    });
    try {
      await a.set('Y:/f/4.V3', grant('t4'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen.length = 0;
      await a.forget('Y:/f/4.V3', 't4');
      await b.get('Y:/f/4.V3'); // a marker that the forget has been seen too
      await new Promise((resolve) => setTimeout(resolve, 200));
      const commands = seen.map((args) => args[0]!.toLowerCase());
      const forgetCommands = commands.slice(0, commands.lastIndexOf('get'));
      expect(forgetCommands.length).toBeGreaterThanOrEqual(1);
      // EVALSHA, or EVAL once when the script was not loaded yet; nothing else.
      expect(forgetCommands.every((command) => command === 'evalsha' || command === 'eval')).toBe(true);
      expect(forgetCommands.filter((command) => command === 'evalsha' || command === 'eval').length).toBeLessThanOrEqual(2);
    } finally {
      monitor.disconnect();
      monitorClient.disconnect();
    }
  });

  it('keeps the fresh token when it is stored between the refused token being read and deleted', async () => {
    // Replica a talks to Redis through a link that delays each direction by 150 ms, so that a
    // read-then-delete would leave a wide gap; replica b stores a fresh token in that gap.
    const slow = await startDelayingProxy(redis.url, 150);
    const slowA = createRedisTokenCache({ url: slow.url, namespace, logger: silentLogger, commandTimeoutMs: 5_000 });
    try {
      await slowA.ready();
      await b.set('Y:/f/5.V3', grant('old'));
      const forgetting = slowA.forget('Y:/f/5.V3', 'old');
      await new Promise((resolve) => setTimeout(resolve, 450)); // after a read would have been answered, before a delete could land
      await b.set('Y:/f/5.V3', grant('fresh'));
      await forgetting;
      expect((await b.get('Y:/f/5.V3'))?.token).toBe('fresh');
    } finally {
      await slowA.close();
      await slow.close();
    }
  });
});

/** A TCP relay to Redis that holds every chunk `delayMs` in each direction (order kept). */
async function startDelayingProxy(redisUrl: string, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(redisUrl);
  const sockets = new Set<net.Socket>();
  const relay = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => setTimeout(() => to.writable && to.write(chunk), delayMs));
    from.once('close', () => setTimeout(() => to.destroy(), delayMs));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => sockets.delete(socket));
    }
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
