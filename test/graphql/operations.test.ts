/**
 * AgentOperationIndex.operations over the simulator's index zips (one CSV with a header row; one
 * split over two CSVs without): mapping, CC_TIME_ZONE → UTC, filters, paging, single download.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';

const ZONE = 'Asia/Shanghai';
let h: Subgraph;

beforeAll(async () => {
  h = await startSubgraph({ simulator: { timeZone: ZONE }, env: { CC_TIME_ZONE: ZONE } });
});

afterAll(async () => {
  await h?.close();
});

interface Operation {
  id: string;
  agentId: string | null;
  callId: string | null;
  beginTime: string | null;
  endTime: string | null;
  opType: number;
  opTypeName: string | null;
}
interface Page {
  nodes: Operation[];
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

const PAGE = `query($f: String!, $agent: ID, $call: ID, $first: Int, $after: String) {
  agentOperationIndex(fileName: $f) { operations(agentId: $agent, callId: $call, first: $first, after: $after) {
    totalCount pageInfo { endCursor hasNextPage } nodes { id agentId callId skillId beginTime endTime opType opTypeName opCause mediaType }
  } } }`;

async function page(variables: Record<string, unknown>): Promise<Page> {
  const result = await h.query<{ agentOperationIndex: { operations: Page } }>(PAGE, variables);
  expect(result.errors).toBeUndefined();
  return result.data?.agentOperationIndex.operations as Page;
}

async function allPages(variables: Record<string, unknown>, first: number): Promise<{ nodes: Operation[]; pages: number; totalCount: number }> {
  const nodes: Operation[] = [];
  let after: string | null = null;
  let pages = 0;
  let totalCount = -1;
  for (;;) {
    const current: Page = await page({ ...variables, first, after });
    pages += 1;
    totalCount = current.totalCount;
    nodes.push(...current.nodes);
    expect(current.nodes.length).toBeLessThanOrEqual(first);
    if (!current.pageInfo.hasNextPage) break;
    after = current.pageInfo.endCursor;
    expect(after).not.toBeNull();
  }
  return { nodes, pages, totalCount };
}

describe('operations', () => {
  it('covers both sample indexes: with and without a header row', () => {
    const kinds = h.sim.samples.agentOperationIndexes.map((name) => h.sim.samples.agentOperationRows[name]?.hasHeaderRow);
    expect(kinds).toContain(true);
    expect(kinds).toContain(false);
  });

  it.each([0, 1])('maps every row of index %i once, in pages, with times in UTC', async (indexNumber) => {
    const fileName = h.sim.samples.agentOperationIndexes[indexNumber] as string;
    const sample = h.sim.samples.agentOperationRows[fileName];
    if (sample === undefined) throw new Error('no sample summary for ' + fileName);

    const { nodes, pages, totalCount } = await allPages({ f: fileName }, 37);
    expect(totalCount).toBe(sample.totalRows);
    expect(nodes).toHaveLength(sample.totalRows);
    expect(new Set(nodes.map((node) => node.id)).size).toBe(sample.totalRows);
    expect(pages).toBe(Math.ceil(sample.totalRows / 37));
    // No header row leaked in as data.
    expect(nodes.some((node) => node.id === 'id')).toBe(false);

    const first = nodes[0] as Operation;
    expect(first.id).toBe(sample.firstRow.id);
    expect(first.agentId).toBe(sample.firstRow.agentId);
    expect(first.opType).toBe(sample.firstRow.opType);
    expect(Date.parse(first.beginTime as string)).toBe(Date.parse(sample.firstRow.beginTimeUtc));
    expect(first.beginTime).toMatch(/Z$/);

    const perAgent: Record<string, number> = {};
    for (const node of nodes) perAgent[node.agentId ?? ''] = (perAgent[node.agentId ?? ''] ?? 0) + 1;
    expect(perAgent).toEqual(sample.rowsPerAgent);
    expect(nodes.filter((node) => node.opType === 1).every((node) => node.opTypeName === 'SIGN_IN')).toBe(true);
    expect(nodes.some((node) => node.opTypeName === 'TALKING')).toBe(true);
  });

  it('filters by agent and pages through the filtered rows', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[0] as string;
    const sample = h.sim.samples.agentOperationRows[fileName];
    const agents = Object.keys(sample?.rowsPerAgent ?? {});
    expect(agents.length).toBeGreaterThan(1);
    for (const agent of agents) {
      const { nodes, totalCount } = await allPages({ f: fileName, agent }, 7);
      expect(totalCount).toBe(sample?.rowsPerAgent[agent]);
      expect(nodes).toHaveLength(totalCount);
      expect(nodes.every((node) => node.agentId === agent)).toBe(true);
    }
  });

  it('filters by call, and by agent and call together', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[1] as string;
    const callId = h.sim.samples.agentOperationRows[fileName]?.callIds[0] as string;
    const byCall = await page({ f: fileName, call: callId, first: 1000 });
    expect(byCall.totalCount).toBeGreaterThan(0);
    expect(byCall.nodes.every((node) => node.callId === callId)).toBe(true);
    const agent = byCall.nodes[0]?.agentId as string;
    const both = await page({ f: fileName, call: callId, agent, first: 1000 });
    expect(both.nodes.every((node) => node.callId === callId && node.agentId === agent)).toBe(true);
    const none = await page({ f: fileName, call: callId, agent: '1', first: 10 });
    expect(none).toEqual({ nodes: [], totalCount: 0, pageInfo: { endCursor: null, hasNextPage: false } });
  });

  it('defaults first to 100', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[0] as string;
    const total = h.sim.samples.agentOperationRows[fileName]?.totalRows as number;
    const result = await page({ f: fileName });
    expect(result.nodes).toHaveLength(Math.min(100, total));
    expect(result.pageInfo.hasNextPage).toBe(total > 100);
  });

  it('downloads each index once, even for concurrent requests', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[0] as string;
    // A fresh server has an empty operation store.
    const fresh = await startSubgraph({ simulator: { timeZone: ZONE, latencyMs: 20 }, env: { CC_TIME_ZONE: ZONE } });
    try {
      const name = fresh.sim.samples.agentOperationIndexes[0] as string;
      expect(name).toBe(fileName);
      fresh.sim.resetCounters();
      const query = `query($f: String!) { a: agentOperationIndex(fileName: $f) { operations(first: 1) { totalCount } } }`;
      const results = await Promise.all([fresh.query(query, { f: name }), fresh.query(query, { f: name }), fresh.query(query, { f: name })]);
      expect(results.every((result) => result.errors === undefined)).toBe(true);
      await fresh.query(query, { f: name });
      expect(fresh.sim.counters.calls.downloadAgentOprInfoFile).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('answers CC_FILE_UNREADABLE (not CC_ERROR) for an index file that cannot be read', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[1] as string;
    const fresh = await startSubgraph({ simulator: { timeZone: ZONE }, env: { CC_TIME_ZONE: ZONE } });
    try {
      fresh.sim.inject('downloadAgentOprInfoFile', { type: 'corrupt' }, { times: 1 });
      const query = `query($f: String!) { agentOperationIndex(fileName: $f) { operations(first: 1) { totalCount } } }`;
      const unreadable = await fresh.query(query, { f: fileName });
      expect(unreadable.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/could not be read/),
        path: ['agentOperationIndex', 'operations'],
        extensions: { code: 'CC_FILE_UNREADABLE', retryable: false },
      });
      // Not cached: the next ask downloads the (now intact) file again.
      expect((await fresh.query(query, { f: fileName })).errors).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });

  it('does not cache a failed download', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[1] as string;
    const fresh = await startSubgraph({ simulator: { timeZone: ZONE }, env: { CC_TIME_ZONE: ZONE } });
    try {
      fresh.sim.inject('downloadAgentOprInfoFile', { type: 'truncate', afterBytes: 40 }, { times: 1 });
      const query = `query($f: String!) { agentOperationIndex(fileName: $f) { operations(first: 1) { totalCount } } }`;
      const broken = await fresh.query(query, { f: fileName });
      expect(broken.errors?.[0]?.extensions?.code).toBe('CC_UNAVAILABLE');
      const healed = await fresh.query(query, { f: fileName });
      expect(healed.errors).toBeUndefined();
      expect(fresh.sim.counters.calls.downloadAgentOprInfoFile).toBe(2);
    } finally {
      await fresh.close();
    }
  });
});
