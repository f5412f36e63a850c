/**
 * Agent leases in the two shared stores, a real redis-server and a real PostgreSQL: an agent is
 * held by one replica at a time, only its holder renews or releases it, an unrenewed lease expires
 * by itself, a holder whose lease lapsed takes it back only when nobody else did, and gateways
 * sharing a store keep their agents apart. Nothing but ids, relay URLs and readiness is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createPostgresLeaseStore } from '../../src/agent-pool/postgres-lease-store.js';
import { createRedisLeaseStore } from '../../src/agent-pool/redis-lease-store.js';
import type { LeaseHolder, LeaseStore } from '../../src/agent-pool/lease-store.js';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';

const holder = (holderId: string, ready = false): LeaseHolder => ({ holderId, relayUrl: `http://127.0.0.1:1/${holderId}`, ready });
const GATEWAY = 'https://gw.invalid:8043';

interface StoreKind {
  name: 'redis' | 'postgres';
  /** Opens a store on the shared server for `namespace`. */
  open(namespace?: string): Promise<LeaseStore>;
  /** Every stored lease record, as stored (to check nothing else is kept). */
  rawRecords(): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

async function redisKind(): Promise<StoreKind> {
  const redis: TestRedis = await startRedis();
  return {
    name: 'redis',
    async open(namespace = GATEWAY) {
      const store = createRedisLeaseStore({ url: redis.url, namespace });
      await store.ready();
      return store;
    },
    async rawRecords() {
      const client = new Redis(redis.url);
      try {
        const keys = await client.keys('cc-media-subgraph:agent-lease:*');
        return (await Promise.all(keys.map((key) => client.get(key)))).map((value) => JSON.parse(value!) as Record<string, unknown>);
      } finally {
        client.disconnect();
      }
    },
    stop: () => redis.stop(),
  };
}

async function postgresKind(): Promise<StoreKind> {
  const cluster: TestPostgres = await startPostgres();
  const url = await cluster.createDatabase();
  const handle = openDatabase({ url, dataDir: '/nonexistent' });
  await migrateToLatest(handle);
  await handle.close();
  return {
    name: 'postgres',
    async open(namespace = GATEWAY) {
      const own = openDatabase({ url, dataDir: '/nonexistent' }, { maxConnections: 2 });
      return createPostgresLeaseStore({ db: own.db, namespace, onClose: () => own.close() });
    },
    async rawRecords() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<Record<string, unknown>>('select * from agent_lease')).rows;
      } finally {
        await client.end();
      }
    },
    stop: () => cluster.stop(),
  };
}

describe.each([
  ['redis', redisKind],
  ['postgres', postgresKind],
] as const)('agent leases in %s', (_name, start) => {
  let kind: StoreKind;
  let a: LeaseStore;
  let b: LeaseStore;

  beforeAll(async () => {
    kind = await start();
    a = await kind.open();
    b = await kind.open();
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await kind?.stop();
  });

  it('hands each agent to one holder, even when they ask at once; a third finds none free', async () => {
    const pool = ['501', '502'];
    const c = await kind.open();
    try {
      const taken = await Promise.all([a.acquire(pool, holder('r1'), 10_000), b.acquire(pool, holder('r2'), 10_000), c.acquire(pool, holder('r3'), 10_000)]);
      expect(taken.filter((id) => id !== undefined).sort()).toEqual(['501', '502']);
      expect(taken.filter((id) => id === undefined)).toHaveLength(1);
      const leases = await b.leases(pool);
      expect(leases).toHaveLength(2);
      expect(new Set(leases.map((lease) => lease.holderId)).size).toBe(2);
      expect(leases.every((lease) => lease.relayUrl.startsWith('http://127.0.0.1:1/'))).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('renews and releases only for the holder, and records whether its session is ready', async () => {
    expect(await a.acquire(['4977'], holder('h1'), 10_000)).toBe('4977');
    expect(await b.renew('4977', holder('h2'), 10_000)).toBe(false);
    await b.release('4977', 'h2');
    expect((await a.leases(['4977']))[0]).toMatchObject({ agentId: '4977', holderId: 'h1', ready: false });
    expect(await a.renew('4977', holder('h1', true), 10_000)).toBe(true);
    expect((await b.leases(['4977']))[0]).toMatchObject({ holderId: 'h1', ready: true });
    await a.release('4977', 'h1');
    expect(await b.leases(['4977'])).toEqual([]);
    expect(await b.acquire(['4977'], holder('h2'), 10_000)).toBe('4977');
  });

  it('lets an unrenewed lease expire, so another holder takes the agent', async () => {
    expect(await a.acquire(['601'], holder('crashed'), 300)).toBe('601');
    expect(await b.acquire(['601'], holder('next'), 10_000)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await b.leases(['601'])).toEqual([]);
    expect(await b.acquire(['601'], holder('next'), 10_000)).toBe('601');
    // The crashed holder, back, cannot renew what is now another's.
    expect(await a.renew('601', holder('crashed'), 10_000)).toBe(false);
  });

  it('retakes a lapsed lease on renewal when nobody else took it', async () => {
    expect(await a.acquire(['701'], holder('slow'), 200)).toBe('701');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await a.renew('701', holder('slow', true), 10_000)).toBe(true);
    expect((await b.leases(['701']))[0]).toMatchObject({ holderId: 'slow', ready: true });
  });

  it('keeps leases of different gateways apart and stores only ids, relay URLs, readiness and expiry', async () => {
    const other = await kind.open('https://another-gw.invalid:8043');
    try {
      expect(await a.acquire(['801'], holder('x'), 10_000)).toBe('801');
      expect(await other.acquire(['801'], holder('y'), 10_000)).toBe('801');
      expect((await other.leases(['801']))[0]?.holderId).toBe('y');
    } finally {
      await other.close();
    }
    const allowed = ['holderId', 'relayUrl', 'ready', 'scope', 'agent_id', 'holder_id', 'relay_url', 'expires_at'];
    for (const record of await kind.rawRecords()) {
      expect(Object.keys(record).filter((key) => !allowed.includes(key))).toEqual([]);
    }
  });
});
