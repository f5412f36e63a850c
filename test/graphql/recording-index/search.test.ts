/**
 * searchRecordings over HTTP on SQLite and PostgreSQL: newest first in (beginTime, callId, fileName)
 * order, every filter against the same rows filtered here, [from, to) bounds, totalCount, keyset
 * paging that stays exact while rows are inserted between pages, and cursors that only work for the
 * query that returned them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordingTable } from '../../../src/db/schema.js';
import { encodeOffsetCursor } from '../../../src/graphql/paging/cursor.js';
import { directionOf } from '../../../src/data/recording-index/call-direction.js';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../../support/databases.js';
import { indexRow, startIndexStack, type IndexStack } from './index-stack.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

const T0 = Date.UTC(2026, 10, 18, 0, 0, 0);
const HOUR = 3600_000;
const WINDOW = { from: new Date(T0).toISOString(), to: new Date(T0 + 80 * HOUR).toISOString() };
const CALL_TYPES = [0, 3, 5, 6, 7, 12, 13, 40, 42, null, 20, 41];
const ROWS = 300;

/** 300 rows over three days: three rows per begin time, pairs of recordings per call among the first 60. */
function dataset(): RecordingTable[] {
  return Array.from({ length: ROWS }, (_, i) =>
    indexRow({
      call_id: `1795100000-${i < 60 ? Math.floor(i / 2) : i}`,
      file_name: `Y:/1/0/20261118/${101 + (i % 4)}/${4000000 + i}.V3`,
      agent_id: String(101 + (i % 4)),
      caller_no: `1380000${i % 7}`,
      callee_no: `60${i % 3}`,
      begin_time: T0 + Math.floor(i / 3) * 43 * 60_000,
      call_type: CALL_TYPES[i % CALL_TYPES.length] ?? null,
    }),
  );
}

/** The contract's order: begin_time, call_id, file_name, all descending (byte order: ASCII ids). */
function newestFirst(rows: readonly RecordingTable[]): RecordingTable[] {
  const compare = (a: string | number, b: string | number) => (a < b ? 1 : a > b ? -1 : 0);
  return [...rows].sort((a, b) => compare(a.begin_time ?? 0, b.begin_time ?? 0) || compare(a.call_id, b.call_id) || compare(a.file_name, b.file_name));
}

interface Page {
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  nodes: Array<{ fileName: string; call: { callId: string }; beginTime: string; direction: string }>;
}

const SEARCH = `query($from: DateTime!, $to: DateTime!, $agentId: ID, $callId: ID, $callerNumber: String, $calleeNumber: String,
    $direction: CallDirection, $first: Int, $after: String) {
  searchRecordings(from: $from, to: $to, agentId: $agentId, callId: $callId, callerNumber: $callerNumber,
      calleeNumber: $calleeNumber, direction: $direction, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } nodes { fileName call { callId } beginTime direction } } }`;

async function search(h: IndexStack, variables: Record<string, unknown>): Promise<Page> {
  const answer = await h.query<{ searchRecordings: Page }>(SEARCH, { ...WINDOW, ...variables });
  expect(answer.errors).toBeUndefined();
  return answer.data?.searchRecordings as Page;
}

async function allPages(h: IndexStack, variables: Record<string, unknown>, first: number): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | null = null;
  do {
    const page = await search(h, { ...variables, first, after });
    pages.push(page);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after !== null);
  return pages;
}

describe.each(DATABASE_KINDS)('searchRecordings on %s', (kind: DatabaseKind) => {
  let h: IndexStack;
  const rows = dataset();

  beforeAll(async () => {
    h = await startIndexStack(kind, databases);
    await h.seed(rows);
  }, 60_000);

  afterAll(() => h?.close());

  it('pages through every row newest first, with the total on each page', async () => {
    const pages = await allPages(h, {}, 7);
    expect(pages).toHaveLength(Math.ceil(ROWS / 7));
    expect(pages.every((page) => page.totalCount === ROWS)).toBe(true);
    expect(pages.flatMap((page) => page.nodes.map((node) => node.fileName))).toEqual(newestFirst(rows).map((row) => row.file_name));
    expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
    const first = pages[0]?.nodes[0];
    const newest = newestFirst(rows)[0] as RecordingTable;
    expect(first).toEqual({
      fileName: newest.file_name,
      call: { callId: newest.call_id },
      beginTime: new Date(newest.begin_time as number).toISOString().replace('.000Z', 'Z'),
      direction: directionOf(newest.call_type),
    });
  });

  const FILTERS: Array<[string, Record<string, string>, (row: RecordingTable) => boolean]> = [
    ['agentId', { agentId: '102' }, (r) => r.agent_id === '102'],
    ['callId of a call with two recordings', { callId: '1795100000-7' }, (r) => r.call_id === '1795100000-7'],
    ['callerNumber', { callerNumber: '13800003' }, (r) => r.caller_no === '13800003'],
    ['calleeNumber', { calleeNumber: '601' }, (r) => r.callee_no === '601'],
    ['direction INBOUND', { direction: 'INBOUND' }, (r) => directionOf(r.call_type) === 'INBOUND'],
    ['direction OUTBOUND', { direction: 'OUTBOUND' }, (r) => directionOf(r.call_type) === 'OUTBOUND'],
    ['direction INTERNAL', { direction: 'INTERNAL' }, (r) => directionOf(r.call_type) === 'INTERNAL'],
    ['direction UNKNOWN (codes 13, 20 and none)', { direction: 'UNKNOWN' }, (r) => directionOf(r.call_type) === 'UNKNOWN'],
    ['agentId and direction', { agentId: '101', direction: 'OUTBOUND' }, (r) => r.agent_id === '101' && directionOf(r.call_type) === 'OUTBOUND'],
    ['caller and callee', { callerNumber: '13800001', calleeNumber: '602' }, (r) => r.caller_no === '13800001' && r.callee_no === '602'],
    ['an agent with no rows', { agentId: '999' }, () => false],
  ];

  it.each(FILTERS)('filters by %s exactly as the rows say', async (_name, filter, keep) => {
    const expected = newestFirst(rows.filter(keep)).map((row) => row.file_name);
    const pages = await allPages(h, filter, 13);
    expect(pages.flatMap((page) => page.nodes.map((node) => node.fileName))).toEqual(expected);
    expect(pages[0]?.totalCount).toBe(expected.length);
    if (expected.length === 0) expect(pages[0]?.pageInfo).toEqual({ endCursor: null, hasNextPage: false });
  });

  it('includes calls that began at `from` and excludes those that began at `to`', async () => {
    const from = T0 + 10 * 43 * 60_000;
    const to = T0 + 20 * 43 * 60_000;
    const page = await search(h, { from: new Date(from).toISOString(), to: new Date(to).toISOString(), first: 1000 });
    const expected = newestFirst(rows.filter((r) => (r.begin_time as number) >= from && (r.begin_time as number) < to));
    expect(expected).toHaveLength(30);
    expect(page.nodes.map((node) => node.fileName)).toEqual(expected.map((row) => row.file_name));
    expect(page.totalCount).toBe(30);
  });

  it('counts only when totalCount is asked: one query for a page, two with the total', async () => {
    const before = await h.readQueries();
    const withoutTotal = await h.query(`query($from: DateTime!, $to: DateTime!) { searchRecordings(from: $from, to: $to, first: 5) { nodes { fileName agentId call { callId } } } }`, WINDOW);
    expect(withoutTotal.errors).toBeUndefined();
    expect((await h.readQueries()) - before).toBe(1);
    await search(h, { first: 5 });
    expect((await h.readQueries()) - before).toBe(3);
  });

  it('keeps a cursor when only `first` changes', async () => {
    const [one] = await allPages(h, { agentId: '103' }, 4);
    const next = await search(h, { agentId: '103', first: 9, after: one?.pageInfo.endCursor });
    const expected = newestFirst(rows.filter((r) => r.agent_id === '103')).slice(4, 13).map((row) => row.file_name);
    expect(next.nodes.map((node) => node.fileName)).toEqual(expected);
  });

  it('refuses a cursor given with other arguments, altered, or from another field, before any query', async () => {
    const page = await search(h, { agentId: '101', first: 3 });
    const cursor = page.pageInfo.endCursor as string;
    const altered = Buffer.from(cursor, 'base64url');
    altered[altered.length - 2] = (altered[altered.length - 2] as number) ^ 1;
    for (const variables of [
      { agentId: '102', after: cursor },
      { after: cursor },
      { agentId: '101', direction: 'INBOUND', after: cursor },
      { agentId: '101', from: new Date(T0 - HOUR).toISOString(), after: cursor },
      { agentId: '101', after: altered.toString('base64url') },
      { agentId: '101', after: encodeOffsetCursor(3) },
      { agentId: '101', after: 'x'.repeat(5000) },
    ]) {
      const before = await h.readQueries();
      const answer = await h.query(SEARCH, { ...WINDOW, ...variables });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
      expect(await h.readQueries()).toBe(before);
    }
  });
});

describe.each(DATABASE_KINDS)('paging while rows are inserted on %s', (kind: DatabaseKind) => {
  let h: IndexStack;
  const rows = dataset();

  beforeAll(async () => {
    h = await startIndexStack(kind, databases);
    await h.seed(rows);
  }, 60_000);

  afterAll(() => h?.close());

  it('neither repeats nor loses a row of the pages already read, and shows new rows only past the cursor', async () => {
    const ordered = newestFirst(rows);
    const firstPage = await search(h, { first: 10 });
    expect(firstPage.nodes.map((node) => node.fileName)).toEqual(ordered.slice(0, 10).map((row) => row.file_name));
    const cursorRow = ordered[9] as RecordingTable;
    const cursorBegin = cursorRow.begin_time as number;

    // Rows that sort before the cursor (already "read" positions) and after it (still to come).
    const newest = indexRow({ call_id: '1795199999-1', file_name: 'Y:/1/0/new/a.V3', begin_time: (ordered[0]?.begin_time as number) + 1000 });
    const tieBefore = indexRow({ call_id: 'zzzz-1', file_name: 'Y:/1/0/new/b.V3', begin_time: cursorBegin });
    const tieAfter = indexRow({ call_id: '0000-1', file_name: 'Y:/1/0/new/c.V3', begin_time: cursorBegin });
    const sameCallAfter = indexRow({ call_id: cursorRow.call_id, file_name: 'Y:/1/0/000/d.V3', begin_time: cursorBegin });
    const older = indexRow({ call_id: '1795100000-77777', file_name: 'Y:/1/0/new/e.V3', begin_time: T0 + 5 * HOUR + 1 });
    await h.seed([newest, tieBefore, tieAfter, sameCallAfter, older]);

    const seen = [...firstPage.nodes.map((node) => node.fileName)];
    let after = firstPage.pageInfo.endCursor;
    let lastTotal = 0;
    let step = 0;
    while (after !== null) {
      const page = await search(h, { first: 10, after });
      seen.push(...page.nodes.map((node) => node.fileName));
      lastTotal = page.totalCount;
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      // More inserts while paging: one behind the reader, one ahead.
      if (++step === 5) await h.seed([indexRow({ call_id: '1795199999-2', file_name: 'Y:/1/0/new/f.V3', begin_time: cursorBegin + 1 }), indexRow({ call_id: '1795100000-88888', file_name: 'Y:/1/0/new/g.V3', begin_time: T0 + 1 })]);
    }

    expect(new Set(seen).size).toBe(seen.length);
    const expected = newestFirst([...rows, tieAfter, sameCallAfter, older, indexRow({ call_id: '1795100000-88888', file_name: 'Y:/1/0/new/g.V3', begin_time: T0 + 1 })]);
    expect(seen).toEqual(expected.map((row) => row.file_name));
    expect(seen).not.toContain(newest.file_name);
    expect(seen).not.toContain(tieBefore.file_name);
    expect(seen).not.toContain('Y:/1/0/new/f.V3');
    expect(lastTotal).toBe(ROWS + 7);
  });
});
