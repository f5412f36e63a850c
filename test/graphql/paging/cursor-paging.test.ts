import { describe, expect, it } from '@jest/globals';
import { decodeOffsetCursor, encodeOffsetCursor } from '../../../src/graphql/paging/cursor.js';
import { pageOfOperations } from '../../../src/graphql/paging/paging.js';
import type { AgentOperationRow } from '../../../src/cc/files/agent-operation-row.js';
import { opTypeName } from '../../../src/cc/files/op-types.js';

function row(id: string, agentId: string, callId: string | null): AgentOperationRow {
  return {
    id,
    developerId: null,
    accountId: null,
    agentId,
    skillId: null,
    callId,
    beginTime: null,
    endTime: null,
    opType: 2,
    opObject: null,
    opCause: null,
    mediaType: null,
    vdnId: null,
    ccId: null,
    agentType: null,
    phoneNo: null,
    callInOut: null,
    locationId: null,
    logonSn: null,
    skillInfoSn: null,
  };
}

describe('cursors', () => {
  it('round-trip offsets and are opaque', () => {
    for (const offset of [0, 1, 99, 100_000]) {
      const cursor = encodeOffsetCursor(offset);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor).not.toContain(String(offset === 0 ? 'op:' : offset));
      expect(decodeOffsetCursor(cursor)).toBe(offset);
    }
  });

  it('reject anything else', () => {
    expect(decodeOffsetCursor('')).toBeUndefined();
    expect(decodeOffsetCursor(Buffer.from('op:x').toString('base64url'))).toBeUndefined();
    expect(decodeOffsetCursor(Buffer.from('id:5').toString('base64url'))).toBeUndefined();
    expect(decodeOffsetCursor(Buffer.from('op:999999999').toString('base64url'))).toBeUndefined();
    expect(decodeOffsetCursor(encodeOffsetCursor(5) + '=')).toBeUndefined();
  });
});

describe('pageOfOperations', () => {
  const rows = [
    row('1', '101', null),
    row('2', '102', 'c1'),
    row('3', '101', 'c1'),
    row('4', '101', 'c2'),
    row('5', '102', null),
    row('6', '101', null),
  ];

  it('walks all pages of a filter', () => {
    const ids: string[] = [];
    let start = 0;
    for (;;) {
      const page = pageOfOperations(rows, { agentId: '101', first: 2, start });
      expect(page.totalCount).toBe(4);
      ids.push(...page.nodes.map((node) => node.id));
      if (!page.pageInfo.hasNextPage) break;
      start = decodeOffsetCursor(page.pageInfo.endCursor as string) as number;
    }
    expect(ids).toEqual(['1', '3', '4', '6']);
  });

  it('combines agentId and callId filters', () => {
    const page = pageOfOperations(rows, { agentId: '101', callId: 'c1', first: 10, start: 0 });
    expect(page.nodes.map((node) => node.id)).toEqual(['3']);
    expect(page.totalCount).toBe(1);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('gives an empty page with a null endCursor past the end', () => {
    const page = pageOfOperations(rows, { first: 10, start: 6 });
    expect(page).toEqual({ nodes: [], totalCount: 6, pageInfo: { endCursor: null, hasNextPage: false } });
  });
});

describe('opTypeName', () => {
  it.each([
    [0, 'SIGN_OUT'],
    [1, 'SIGN_IN'],
    [2, 'IDLE'],
    [3, 'BUSY'],
    [4, 'TALKING'],
    [10, 'THREE_PARTY'],
    [26, 'REST'],
    [27, 'WORK'],
    [29, 'FORCED_SIGN_OUT'],
    [47, 'SIGN_IN_MEDIA_SERVER'],
    [58, 'CONFERENCE'],
  ])('%i → %s', (code, name) => {
    expect(opTypeName(code)).toBe(name);
  });

  it('has no name for unknown codes', () => {
    expect(opTypeName(-1)).toBeNull();
    expect(opTypeName(5)).toBeNull();
    expect(opTypeName(999)).toBeNull();
  });
});
