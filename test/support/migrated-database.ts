/**
 * A migrated recording-index database for a test stack: the one given (e.g. from testDatabases()),
 * or a fresh SQLite file in a temp directory that close() removes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export interface MigratedDatabase {
  handle: DatabaseHandle;
  config: DatabaseConfig;
  close(): Promise<void>;
}

export async function openMigratedDatabase(config?: DatabaseConfig): Promise<MigratedDatabase> {
  const tempDir = config === undefined ? mkdtempSync(path.join(tmpdir(), 'cc-media-stack-')) : undefined;
  const used: DatabaseConfig = config ?? { url: undefined, dataDir: tempDir as string };
  const handle = openDatabase(used);
  await migrateToLatest(handle);
  return {
    handle,
    config: used,
    async close() {
      await handle.close();
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
