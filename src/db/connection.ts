/**
 * The database of the recording index: PostgreSQL through `pg` when DATABASE_URL is set, else an
 * embedded SQLite file (`$DATA_DIR/cc-media.sqlite`, WAL) through better-sqlite3. One Kysely query
 * layer over both.
 *
 * Two handles: `db` for writes and `reader` for reads. On PostgreSQL both are the same pool. On
 * SQLite they are two connections to the one file: better-sqlite3 is synchronous and Kysely runs
 * one query at a time per connection, so a long ingestion transaction on `db` would otherwise hold
 * up every read; WAL lets `reader` see the last commit meanwhile. All writes stay on `db` (in one
 * process, a second writing connection would wait synchronously for a lock the first can only
 * release on the same event loop).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from './schema.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  dialect: DialectName;
  /** Writes, the file-ingestion transactions included. */
  db: Kysely<Database>;
  /** Reads (the GraphQL side). */
  reader: Kysely<Database>;
  /** Where the data lives, without credentials (for logs). */
  description: string;
  /** PostgreSQL only: the pool itself, for what Kysely does not offer (COPY in bulk loads). */
  pgPool?: pg.Pool;
  /** SQLite only: the writing connection of `db`, for prepared statements reused across batches. */
  sqliteWriter?: BetterSqlite3.Database;
  close(): Promise<void>;
}

export const SQLITE_FILE_NAME = 'cc-media.sqlite';

const INT8_OID = 20;

/** int8 (BIGINT, count(*)) as a JS number: epoch milliseconds and row counts stay far below 2^53. */
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export interface OpenOptions {
  logger?: Logger;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
}

export function openDatabase(config: DatabaseConfig, options: OpenOptions = {}): DatabaseHandle {
  return config.url === undefined ? openSqlite(config.dataDir) : openPostgres(config.url, options);
}

function openPostgres(url: string, options: OpenOptions): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types: pgTypes });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', (error) => options.logger?.warn({ errorCode: (error as { code?: string }).code }, 'PostgreSQL idle connection lost'));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    dialect: 'postgres',
    db,
    reader: db,
    pgPool: pool,
    description: `postgres://${parsed.host}${parsed.pathname}`,
    close: () => db.destroy(),
  };
}

function openSqliteConnection(file: string, role: 'writer' | 'reader'): BetterSqlite3.Database {
  const connection = new BetterSqlite3(file);
  connection.pragma('journal_mode = WAL');
  // FULL: a commit (a stored callback, an ingested file) survives a power cut, not only a crash.
  connection.pragma('synchronous = FULL');
  connection.pragma('busy_timeout = 5000');
  if (role === 'reader') connection.pragma('query_only = ON');
  return connection;
}

function openSqlite(dataDir: string): DatabaseHandle {
  mkdirSync(dataDir, { recursive: true });
  const file = path.resolve(dataDir, SQLITE_FILE_NAME);
  const writer = openSqliteConnection(file, 'writer');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(writer) }) });
  const reader = new Kysely<Database>({ dialect: new SqliteDialect({ database: async () => withStatementCache(openSqliteConnection(file, 'reader')) }) });
  return {
    dialect: 'sqlite',
    db,
    reader,
    sqliteWriter: writer,
    description: `sqlite:${file}`,
    close: async () => {
      await reader.destroy();
      await db.destroy();
    },
  };
}
