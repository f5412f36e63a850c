/**
 * The migrations, in code (so they run from dist/ too, where no migration folder is read). Names
 * sort in the order they run; a migration, once released, never changes: add the next one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as recordingIndex from './0001-recording-index.js';
import * as recordingSearchIndexes from './0002-recording-search-indexes.js';
import * as agentLease from './0003-agent-lease.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-recording-index': recordingIndex,
  '0002-recording-search-indexes': recordingSearchIndexes,
  '0003-agent-lease': agentLease,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
