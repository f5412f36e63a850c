/**
 * Agent leases in PostgreSQL (DATABASE_URL): a row per gateway and agent in `agent_lease`, its
 * expiry by the database's clock. Taking, renewing and giving back are each one statement: an
 * upsert that only overwrites an expired lease (or the holder's own), and a delete that only
 * removes the holder's own; PostgreSQL's row locks make each of them atomic among replicas.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AgentLease, LeaseHolder, LeaseStore } from './lease-store.js';

/** Now, in epoch ms, by the database's clock. */
const NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export interface PostgresLeaseStoreOptions {
  db: Kysely<Database>;
  /** Separates CC-Gateways sharing one database (the gateway's URL). */
  namespace: string;
  /** Closes the database handle when the store closes (when the store opened it). */
  onClose?: () => Promise<void>;
}

export function createPostgresLeaseStore(options: PostgresLeaseStoreOptions): LeaseStore {
  const { db } = options;
  const scope = createHash('sha256').update(options.namespace).digest('base64url').slice(0, 16);
  const row = (agentId: string, holder: LeaseHolder, ttlMs: number) => ({
    scope,
    agent_id: agentId,
    holder_id: holder.holderId,
    relay_url: holder.relayUrl,
    ready: holder.ready ? 1 : 0,
    expires_at: sql<number>`${NOW_MS} + ${ttlMs}`,
  });

  /** Writes the lease unless another holder's lease is still running; true when it was written. */
  async function upsert(agentId: string, holder: LeaseHolder, ttlMs: number, alsoOwn: boolean): Promise<boolean> {
    const written = await db
      .insertInto('agent_lease')
      .values(row(agentId, holder, ttlMs))
      .onConflict((conflict) =>
        conflict
          .columns(['scope', 'agent_id'])
          .doUpdateSet((eb) => ({
            holder_id: eb.ref('excluded.holder_id'),
            relay_url: eb.ref('excluded.relay_url'),
            ready: eb.ref('excluded.ready'),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) =>
            alsoOwn
              ? eb.or([eb('agent_lease.expires_at', '<=', NOW_MS), eb('agent_lease.holder_id', '=', holder.holderId)])
              : eb('agent_lease.expires_at', '<=', NOW_MS),
          ),
      )
      .returning('agent_id')
      .executeTakeFirst();
    return written !== undefined;
  }

  return {
    kind: 'postgres',

    async acquire(agentIds, holder, ttlMs) {
      for (const agentId of agentIds) {
        if (await upsert(agentId, holder, ttlMs, false)) return agentId;
      }
      return undefined;
    },

    renew: (agentId, holder, ttlMs) => upsert(agentId, holder, ttlMs, true),

    async release(agentId, holderId) {
      await db.deleteFrom('agent_lease').where('scope', '=', scope).where('agent_id', '=', agentId).where('holder_id', '=', holderId).execute();
    },

    async leases(agentIds) {
      if (agentIds.length === 0) return [];
      const rows = await db
        .selectFrom('agent_lease')
        .select(['agent_id', 'holder_id', 'relay_url', 'ready'])
        .where('scope', '=', scope)
        .where('agent_id', 'in', [...agentIds])
        .where('expires_at', '>', NOW_MS)
        .execute();
      return rows.map((r): AgentLease => ({ agentId: r.agent_id, holderId: r.holder_id, relayUrl: r.relay_url, ready: r.ready === 1 }));
    },

    async close() {
      await options.onClose?.();
    },
  };
}
