/**
 * Scale-out: two replicas and one real redis-server. A playback token that one replica got from
 * requestPlayVoice is reused by the other, which then asks CC-FS for nothing; Redis holds no file
 * names and expires entries with the token; a Redis outage only costs the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
