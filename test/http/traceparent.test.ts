/** W3C traceparent parsing and this server's child span. */
import { describe, expect, it } from '@jest/globals';
import { childTraceParent, formatTraceParent, parseTraceParent } from '../../src/http/traceparent.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceParent', () => {
  it.each([
    [`00-${TRACE}-${SPAN}-01`, { traceId: TRACE, parentId: SPAN, flags: '01' }],
    [` 00-${TRACE}-${SPAN}-00 `, { traceId: TRACE, parentId: SPAN, flags: '00' }],
    // A future version may carry more fields; the first four keep their meaning.
    [`01-${TRACE}-${SPAN}-01-extra`, { traceId: TRACE, parentId: SPAN, flags: '01' }],
  ])('reads %s', (header, expected) => {
    expect(parseTraceParent(header)).toEqual(expected);
  });

  it.each([
    undefined,
    '',
    ['a', 'b'],
    `00-${TRACE}-${SPAN}-01-extra`, // version 00 has exactly four fields
    `ff-${TRACE}-${SPAN}-01`, // version ff is invalid
    `00-${'0'.repeat(32)}-${SPAN}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `00-${TRACE.slice(1)}-${SPAN}-01`,
  ])('refuses %p', (header) => {
    expect(parseTraceParent(header)).toBeUndefined();
  });
});

describe('childTraceParent', () => {
  it("keeps the caller's trace id and flags with a new span id", () => {
    const child = childTraceParent({ traceId: TRACE, parentId: SPAN, flags: '01' });
    expect(child.traceId).toBe(TRACE);
    expect(child.flags).toBe('01');
    expect(child.parentId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.parentId).not.toBe(SPAN);
    expect(formatTraceParent(child)).toBe(`00-${TRACE}-${child.parentId}-01`);
  });

  it('starts a new valid trace without a caller trace', () => {
    const child = childTraceParent(undefined);
    expect(parseTraceParent(formatTraceParent(child))).toEqual(child);
    expect(childTraceParent(undefined).traceId).not.toBe(child.traceId);
  });
});
