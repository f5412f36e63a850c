/**
 * Kysely's SQLite driver prepares every statement anew, and preparing costs more than running
 * the index reads of one GraphQL request (a page, a count, a batch of calls). The same few SQL
 * texts recur (they differ only by parameters, or by the number of keys in an `in (…)` list), so
 * the connection handed to Kysely keeps its prepared statements in a bounded LRU and reuses them.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { LRUCache } from 'lru-cache';

/** Distinct SQL texts kept prepared per connection. */
const CACHED_STATEMENTS = 200;

export function withStatementCache(connection: BetterSqlite3.Database, max = CACHED_STATEMENTS): SqliteDatabase {
  const statements = new LRUCache<string, BetterSqlite3.Statement>({ max });
  return {
    close: () => {
      statements.clear();
      connection.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      // A statement still being iterated (a streamed query) cannot run again until it finishes.
      if (cached !== undefined && !cached.busy) return cached;
      const statement = connection.prepare(sql);
      if (cached === undefined) statements.set(sql, statement);
      return statement;
    },
  };
}
