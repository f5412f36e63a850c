/**
 * Agent leases in a real redis-server: an agent is held by one replica at a time, only its holder
 * renews or releases it, an unrenewed lease expires by itself, and a holder whose lease lapsed
 * takes it again only when nobody else did.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createRedisLeaseStore } from '../../src/agent-pool/redis-lease-store.js';
import type { LeaseHolder, LeaseStore } from '../../src/agent-pool/lease-store.js';
import { startRedis, type TestRedis } from '../support/redis.js';

const holder = (holderId: string, ready = false): LeaseHolder => ({ holderId, relayUrl: `http://127.0.0.1:1/${holderId}`, ready });
const POOL = ['4977', '4978'];

describe('Redis agent leases', () => {
  let redis: TestRedis;
  let a: LeaseStore & { ready(): Promise<void> };
  let b: LeaseStore & { ready(): Promise<void> };

  beforeAll(async () => {
    redis = await startRedis();
    a = createRedisLeaseStore({ url: redis.url, namespace: 'https://gw.invalid:8043' });
    b = createRedisLeaseStore({ url: redis.url, namespace: 'https://gw.invalid:8043' });
    await Promise.all([a.ready(), b.ready()]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('hands each agent to one holder; a third finds none free', async () => {
    const pool = ['501', '502'];
    const taken = await Promise.all([a.acquire(pool, holder('r1'), 10_000), b.acquire(pool, holder('r2'), 10_000)]);
    expect(taken.sort()).toEqual(['501', '502']);
    expect(await a.acquire(pool, holder('r3'), 10_000)).toBeUndefined();
    const leases = await b.leases(pool);
    expect(leases.map((lease) => lease.holderId).sort()).toEqual(['r1', 'r2']);
    expect(leases.every((lease) => lease.relayUrl.startsWith('http://127.0.0.1:1/'))).toBe(true);
  });

  it('renews and releases only for the holder, and records whether its session is ready', async () => {
    expect(await a.acquire(POOL, holder('h1'), 10_000)).toBe('4977');
    expect(await b.renew('4977', holder('h2'), 10_000)).toBe(false);
    await b.release('4977', 'h2');
    expect((await a.leases(['4977']))[0]).toMatchObject({ holderId: 'h1', ready: false });
    expect(await a.renew('4977', holder('h1', true), 10_000)).toBe(true);
    expect((await b.leases(['4977']))[0]).toMatchObject({ holderId: 'h1', ready: true });
    await a.release('4977', 'h1');
    expect(await b.leases(['4977'])).toEqual([]);
  });

  it('lets an unrenewed lease expire, so another holder takes the agent', async () => {
    expect(await a.acquire(['601'], holder('crashed'), 300)).toBe('601');
    expect(await b.acquire(['601'], holder('next'), 10_000)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await b.acquire(['601'], holder('next'), 10_000)).toBe('601');
    // The crashed holder, back, cannot renew what is now another's.
    expect(await a.renew('601', holder('crashed'), 10_000)).toBe(false);
  });

  it('retakes a lapsed lease on renewal when nobody else took it', async () => {
    expect(await a.acquire(['701'], holder('slow'), 200)).toBe('701');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await a.renew('701', holder('slow', true), 10_000)).toBe(true);
    expect((await b.leases(['701']))[0]).toMatchObject({ holderId: 'slow', ready: true });
  });

  it('keeps leases of different gateways apart and stores no password, only ids and relay URLs', async () => {
    const other = createRedisLeaseStore({ url: redis.url, namespace: 'https://another-gw.invalid:8043' });
    try {
      await other.ready();
      expect(await a.acquire(['801'], holder('x'), 10_000)).toBe('801');
      expect(await other.acquire(['801'], holder('y'), 10_000)).toBe('801');
      const client = new Redis(redis.url);
      const keys = await client.keys('cc-media-subgraph:agent-lease:*');
      const values = await Promise.all(keys.map((key) => client.get(key)));
      client.disconnect();
      for (const value of values) expect(Object.keys(JSON.parse(value!) as object).sort()).toEqual(['holderId', 'ready', 'relayUrl']);
    } finally {
      await other.close();
    }
  });
});
