/**
 * requestAgentOperationIndex, agentOperationIndexes and AgentOperationIndex.readyAt over HTTP, on
 * SQLite and PostgreSQL, with the write side wired as main.ts wires it: the mutation asks the
 * simulator's CC-FS and answers at once; readyAt comes from the signed callback, or, when none comes,
 * from the first download that succeeds (here: GraphQL's own `operations`); the list holds the
 * files asked here by request day, newest first; readyAt of a batch of indexes is one query.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { insertExportFile } from '../../../src/db/export-file-repository.js';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { postGraphQL } from '../../support/graphql-client.js';
import { startIngestionStack, type IngestionStack } from '../../support/ingestion-stack.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

interface IndexFields {
  fileName: string;
  date: string;
  responseId: string;
  readyAt: string | null;
}

const REQUEST = `mutation($from: DateTime!, $to: DateTime!, $agentId: ID) {
  requestAgentOperationIndex(from: $from, to: $to, agentId: $agentId) { fileName date responseId readyAt } }`;
const LIST = `query($from: Date!, $to: Date!) { agentOperationIndexes(from: $from, to: $to) { fileName date responseId readyAt } }`;

describe.each(DATABASE_KINDS)('agent operation indexes asked through GraphQL on %s', (kind: DatabaseKind) => {
  let stack: IngestionStack;
  const query = <T>(text: string, variables?: Record<string, unknown>) => postGraphQL<T>(stack.server.graphqlUrl, text, variables);
  const readQueries = async () => (await stack.metrics.dbReadQueries.get()).values[0]?.value ?? 0;

  beforeAll(async () => {
    stack = await startIngestionStack({ database: await databases.fresh(kind), env: { RECORDING_INDEX_INTERVAL_SECONDS: '0' }, start: false });
  }, 60_000);

  afterAll(() => stack?.close());

  async function request(agentId?: string): Promise<IndexFields> {
    const now = Date.now();
    const answer = await query<{ requestAgentOperationIndex: IndexFields }>(REQUEST, {
      from: new Date(now - 2 * 3600_000).toISOString(),
      to: new Date(now).toISOString(),
      ...(agentId === undefined ? {} : { agentId }),
    });
    expect(answer.errors).toBeUndefined();
    return answer.data?.requestAgentOperationIndex as IndexFields;
  }

  async function listed(day: string): Promise<IndexFields[]> {
    const answer = await query<{ agentOperationIndexes: IndexFields[] }>(LIST, { from: day, to: day });
    expect(answer.errors).toBeUndefined();
    return answer.data?.agentOperationIndexes ?? [];
  }

  it('asks the CC-FS once and answers the file at once; the callback then sets readyAt', async () => {
    const asked = stack.sim.counters.calls.queryAgentOprInfoData;
    const before = Math.floor(Date.now() / 1000) * 1000;
    const index = await request('101');
    expect(stack.sim.counters.calls.queryAgentOprInfoData).toBe(asked + 1);
    // The day of the request in CC_TIME_ZONE (UTC here), and the responseId without dashes.
    const today = new Date().toISOString().slice(0, 10);
    expect(index.date).toBe(today);
    expect(index.fileName).toMatch(new RegExp(`^${today.replace(/-/g, '')}_[0-9a-f]{32}\\.zip$`));
    expect(index.responseId).toBe(index.fileName.slice(9, 41));

    let ready: IndexFields | undefined;
    await eventually(async () => {
      ready = (await listed(today)).find((entry) => entry.fileName === index.fileName);
      return ready?.readyAt !== null && ready?.readyAt !== undefined;
    });
    expect(Date.parse(ready?.readyAt as string)).toBeGreaterThanOrEqual(before);

    const one = await query<{ agentOperationIndex: { readyAt: string | null; operations: { totalCount: number } } }>(
      `query($f: String!) { agentOperationIndex(fileName: $f) { readyAt operations(first: 2) { totalCount } } }`,
      { f: index.fileName },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data?.agentOperationIndex.readyAt).toBe(ready?.readyAt);
    expect(one.data?.agentOperationIndex.operations.totalCount).toBeGreaterThan(0);
  });

  it('without a callback, readyAt is null until a download succeeds, then the time of that download', async () => {
    stack.sim.injectExport({ type: 'noCallback' }, { times: 1 });
    const index = await request();
    const readyAtNow = async () =>
      (await query<{ agentOperationIndex: { readyAt: string | null } }>(`query($f: String!) { agentOperationIndex(fileName: $f) { readyAt } }`, { f: index.fileName })).data
        ?.agentOperationIndex.readyAt;
    expect(await readyAtNow()).toBeNull();

    // The simulator makes the file after a delay (not-found before): GraphQL's operations download it.
    let downloadedAfter = 0;
    await eventually(async () => {
      downloadedAfter = Math.floor(Date.now() / 1000) * 1000;
      const answer = await query(`query($f: String!) { agentOperationIndex(fileName: $f) { operations(first: 1) { totalCount } } }`, { f: index.fileName });
      return answer.errors === undefined;
    });
    const readyAt = await readyAtNow();
    expect(readyAt).not.toBeNull();
    expect(Date.parse(readyAt as string)).toBeGreaterThanOrEqual(downloadedAfter);
  });

  it('lists the indexes asked here by request day, both days included, newest first', async () => {
    const at = Date.UTC(2026, 10, 10, 12);
    const row = (day: string, hex: string, requestedAt: number) => ({
      file_name: `${day.replace(/-/g, '')}_${hex.repeat(32)}.zip`,
      kind: 'agent_opr' as const,
      response_id: hex.repeat(32),
      request_day: day,
      from_ms: at,
      to_ms: at + 3600_000,
      agent_id: null,
      window_id: null,
      requested_at: requestedAt,
      next_attempt_at: requestedAt,
    });
    for (const file of [row('2026-11-09', 'a', at - 86_400_000), row('2026-11-10', 'b', at), row('2026-11-10', 'c', at + 60_000), row('2026-11-11', 'd', at + 86_400_000), row('2026-11-12', 'e', at + 2 * 86_400_000)]) {
      await insertExportFile(stack.handle.db, file);
    }
    // A recording-index file of the same day is not an agent operation index.
    await insertExportFile(stack.handle.db, { ...row('2026-11-10', 'f', at), kind: 'record' });

    const answer = await query<{ agentOperationIndexes: IndexFields[] }>(LIST, { from: '2026-11-10', to: '2026-11-11' });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.agentOperationIndexes.map((entry) => [entry.fileName.slice(9, 10), entry.date, entry.readyAt])).toEqual([
      ['d', '2026-11-11', null],
      ['c', '2026-11-10', null],
      ['b', '2026-11-10', null],
    ]);
  });

  it('reads readyAt of many indexes in one query, null for those not asked here', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const mine = (await listed(today)).map((entry) => entry.fileName);
    const foreign = stack.sim.samples.agentOperationIndexes;
    const representations = [...mine, ...foreign].map((fileName) => ({ __typename: 'AgentOperationIndex', fileName }));
    const before = await readQueries();
    const answer = await query<{ _entities: Array<{ fileName: string; readyAt: string | null }> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on AgentOperationIndex { fileName readyAt } } }`,
      { r: representations },
    );
    expect(answer.errors).toBeUndefined();
    expect((await readQueries()) - before).toBe(1);
    const entities = answer.data?._entities ?? [];
    expect(entities.slice(0, mine.length).every((entity) => entity.readyAt !== null)).toBe(true);
    expect(entities.slice(mine.length).every((entity) => entity.readyAt === null)).toBe(true);
  });
});
