/**
 * The SQLite connection handed to Kysely reuses prepared statements: the same SQL text is prepared
 * once, a statement still being iterated is not handed out again, and the cache stays bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { withStatementCache } from '../../src/db/sqlite-statement-cache.js';

const dir = mkdtempSync(path.join(tmpdir(), 'statement-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Tables {
  item: { id: number; name: string };
}

/** A connection whose prepare() calls are counted. */
function countedConnection(file: string): { connection: BetterSqlite3.Database; prepared: () => number } {
  const connection = new BetterSqlite3(path.join(dir, file));
  let prepared = 0;
  const prepare = connection.prepare.bind(connection);
  connection.prepare = ((sql: string) => {
    prepared += 1;
    return prepare(sql);
  }) as typeof connection.prepare;
  return { connection, prepared: () => prepared };
}

describe('withStatementCache', () => {
  it('prepares a repeated query once, and answers each run with its own parameters', async () => {
    const { connection, prepared } = countedConnection('repeat.sqlite');
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
    await db.schema.createTable('item').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text').execute();
    await db.insertInto('item').values([{ id: 1, name: 'one' }, { id: 2, name: 'two' }, { id: 3, name: 'three' }]).execute();
    const before = prepared();
    const names: string[] = [];
    for (const id of [1, 2, 3, 2]) {
      const row = await db.selectFrom('item').select('name').where('id', '=', id).executeTakeFirstOrThrow();
      names.push(row.name);
    }
    expect(names).toEqual(['one', 'two', 'three', 'two']);
    expect(prepared() - before).toBe(1);
    await db.destroy();
  });

  it('prepares a second statement while the cached one is still being iterated', async () => {
    const { connection, prepared } = countedConnection('busy.sqlite');
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
    await db.schema.createTable('item').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text').execute();
    await db.insertInto('item').values([{ id: 1, name: 'one' }, { id: 2, name: 'two' }]).execute();
    const query = db.selectFrom('item').select('id').orderBy('id');
    // Kysely's SQLite driver keeps one connection: the nested read runs on the raw cached handle.
    const cache = withStatementCache(connection);
    const compiled = query.compile();
    const outer = cache.prepare(compiled.sql).iterate([]);
    const first = outer.next();
    expect(first.done).toBe(false);
    const before = prepared();
    const inner = cache.prepare(compiled.sql).all([]);
    expect(inner).toEqual([{ id: 1 }, { id: 2 }]);
    expect(prepared() - before).toBe(1);
    expect([...outer]).toEqual([{ id: 2 }]);
    await db.destroy();
  });

  it('keeps at most the given number of statements', () => {
    const { connection, prepared } = countedConnection('bounded.sqlite');
    const cache = withStatementCache(connection, 2);
    for (const n of [1, 2, 3, 1]) cache.prepare(`select ${n} as n`);
    // 1 was evicted by 3, so it is prepared again.
    expect(prepared()).toBe(4);
    cache.prepare('select 3 as n');
    expect(prepared()).toBe(4);
    cache.close();
  });
});
