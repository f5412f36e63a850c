/**
 * Runs the migrations to the latest at start. On PostgreSQL several replicas may start at once:
 * one session-level advisory lock, held on a connection of its own, lets one replica migrate while
 * the others wait and then find nothing left to do.
 */
import { Migrator, sql } from 'kysely';
import type { DatabaseHandle } from './connection.js';
import { migrationProvider } from './migrations/index.js';

/** An arbitrary constant that names "migrating the cc-media schema" among advisory locks. */
export const MIGRATION_LOCK_KEY = 7_301_204_611;

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrationOutcome {
  /** Migrations applied by this call (empty when the schema was already current). */
  applied: string[];
}

async function migrateUnlocked(handle: DatabaseHandle): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db: handle.db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { applied: (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName) };
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<MigrationOutcome> {
  if (handle.dialect === 'sqlite') return migrateUnlocked(handle);
  return handle.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      return await migrateUnlocked(handle);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}
