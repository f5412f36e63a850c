/**
 * Leases on the CC-Gateway pool agents (src/agent-pool): one row per gateway and agent. Only
 * PostgreSQL deployments (several replicas) use it; the embedded database gets the table too, so
 * that both dialects keep one schema.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('agent_lease')
    // A hash of the CC-Gateway URL: gateways sharing one database keep their agents apart.
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('holder_id', 'text', (c) => c.notNull())
    .addColumn('relay_url', 'text', (c) => c.notNull())
    .addColumn('ready', 'integer', (c) => c.notNull())
    // Epoch milliseconds by the database's clock (replicas' clocks do not matter).
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_lease_pk', ['scope', 'agent_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('agent_lease').execute();
}
