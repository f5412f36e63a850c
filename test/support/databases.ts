/**
 * Storage tests run against both databases: `describe.each(DATABASE_KINDS)` and, per test, a fresh
 * database of that kind (SQLite in a temp directory, or a new database in one throwaway PostgreSQL
 * cluster per test file, started on first use).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'postgres'];

export interface TestDatabases {
  /** A fresh, empty database of this kind. */
  fresh(kind: DatabaseKind): Promise<DatabaseConfig>;
  /** The cluster (started on first use). */
  postgres(): Promise<TestPostgres>;
  /** Stops PostgreSQL and removes the temp directories. */
  cleanup(): Promise<void>;
}

export function testDatabases(): TestDatabases {
  let cluster: Promise<TestPostgres> | undefined;
  const dirs: string[] = [];
  const postgres = () => (cluster ??= startPostgres());
  return {
    postgres,
    async fresh(kind) {
      if (kind === 'postgres') return { url: await (await postgres()).createDatabase(), dataDir: '/nonexistent' };
      const dir = mkdtempSync(path.join(tmpdir(), 'cc-media-sqlite-'));
      dirs.push(dir);
      return { url: undefined, dataDir: dir };
    },
    async cleanup() {
      if (cluster) await (await cluster).stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
