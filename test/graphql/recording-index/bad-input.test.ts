/**
 * Every invalid input of the recording-index fields (docs/recording-index.md, and the README's rules for ids and
 * `first`) is BAD_USER_INPUT naming the argument, before any upstream call and before any database
 * query: on both databases, the simulator's counters and db_read_queries_total stay where they were.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../../support/databases.js';
import { startIndexStack, type IndexStack } from './index-stack.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

const long = (n: number) => 'x'.repeat(n);
const FROM = '2026-11-01T00:00:00Z';
const search = (args: string) => `{ searchRecordings(${args}) { totalCount nodes { fileName } } }`;
const inWindow = (extra: string) => search(`from: "${FROM}", to: "2026-11-02T00:00:00Z", ${extra}`);
const request = (args: string) => `mutation { requestAgentOperationIndex(${args}) { fileName readyAt } }`;

// Every row has all four cells: with fewer, Jest would hand the test a `done` callback instead.
const CASES: Array<[string, string, string, Record<string, unknown>]> = [
  ['from equal to to', search(`from: "${FROM}", to: "${FROM}"`), 'from', {}],
  ['from after to', search(`from: "2026-11-02T00:00:00Z", to: "${FROM}"`), 'from', {}],
  ['a window over 31 days', search(`from: "${FROM}", to: "2026-12-02T00:00:01Z"`), 'to', {}],
  ['the same instant in two offsets', search(`from: "2026-11-01T08:00:00+08:00", to: "${FROM}"`), 'from', {}],
  ['first 0', inWindow('first: 0'), 'first', {}],
  ['first 1001', inWindow('first: 1001'), 'first', {}],
  ['agentId over 20 characters', inWindow(`agentId: "${long(21)}"`), 'agentId', {}],
  ['an empty agentId', inWindow('agentId: ""'), 'agentId', {}],
  ['callId over 25 characters', inWindow(`callId: "${long(26)}"`), 'callId', {}],
  ['a control character in callId', inWindow('callId: "1\\u0000-2"'), 'callId', {}],
  ['a .. segment in callId', inWindow('callId: "a/../b"'), 'callId', {}],
  ['callerNumber over 32 characters', inWindow(`callerNumber: "${long(33)}"`), 'callerNumber', {}],
  ['a newline in calleeNumber', inWindow('calleeNumber: "600\\n601"'), 'calleeNumber', {}],
  ['an after that is not a cursor', inWindow('after: "bm90LWEtY3Vyc29y"'), 'after', {}],
  ['an empty after', inWindow('after: ""'), 'after', {}],
  ['agentOperationIndexes from after to', '{ agentOperationIndexes(from: "2026-11-02", to: "2026-11-01") { fileName } }', 'from', {}],
  ['agentOperationIndexes over 31 days', '{ agentOperationIndexes(from: "2026-11-01", to: "2026-12-02") { fileName readyAt } }', 'to', {}],
  ['requestAgentOperationIndex from equal to to', request(`from: "${FROM}", to: "${FROM}"`), 'from', {}],
  ['requestAgentOperationIndex over 3 days', request(`from: "${FROM}", to: "2026-11-04T00:00:00.001Z"`), 'to', {}],
  ['requestAgentOperationIndex with a bad agentId', request(`from: "${FROM}", to: "2026-11-02T00:00:00Z", agentId: "${long(21)}"`), 'agentId', {}],
  [
    'a Call representation with a bad callId',
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Call { recordings { fileName } } } }',
    'callId',
    { r: [{ __typename: 'Call', callId: long(26) }] },
  ],
  [
    'a Recording representation with a .. segment',
    'query($r: [_Any!]!) { _entities(representations: $r) { ... on Recording { indexed agentId } } }',
    'fileName',
    { r: [{ __typename: 'Recording', fileName: 'Y:/1/../x.V3' }] },
  ],
];

describe.each(DATABASE_KINDS)('bad input of the recording index on %s', (kind: DatabaseKind) => {
  let h: IndexStack;

  beforeAll(async () => {
    // Without the CC-Gateway, nothing but GraphQL requests calls the simulator.
    h = await startIndexStack(kind, databases, { withGateway: false });
  }, 60_000);

  afterAll(() => h?.close());

  const upstreamCalls = () => Object.values(h.sim.counters.calls).reduce((sum, calls) => sum + calls, 0);

  it.each(CASES)('%s → BAD_USER_INPUT, no upstream call, no query', async (_label, query, argumentName, variables) => {
    const calls = upstreamCalls();
    const queries = await h.readQueries();
    const answer = await h.query(query, variables);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    expect(upstreamCalls()).toBe(calls);
    expect(await h.readQueries()).toBe(queries);
  });

  it('sees the valid neighbours of those inputs through to the database', async () => {
    const queries = await h.readQueries();
    const answer = await h.query(search(`from: "${FROM}", to: "2026-12-02T00:00:00Z", first: 1000, agentId: "${long(20)}", callId: "${long(25)}"`));
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ searchRecordings: { totalCount: 0, nodes: [] } });
    expect((await h.readQueries()) - queries).toBe(2);
  });
});
