import { describe, expect, it } from '@jest/globals';
import { contentRange, decideRange, parseContentRange, unsatisfiedContentRange, upstreamRange } from '../../src/media/range.js';

describe('decideRange', () => {
  const size = 1000;
  it.each([
    [undefined, { type: 'full' }],
    ['bytes=0-0', { type: 'partial', start: 0, end: 0 }],
    ['bytes=999-999', { type: 'partial', start: 999, end: 999 }],
    ['bytes=500-', { type: 'partial', start: 500, end: 999 }],
    ['bytes=-100', { type: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { type: 'partial', start: 0, end: 999 }],
    ['bytes=0-99999', { type: 'partial', start: 0, end: 999 }],
    ['bytes= 10 - 20 ', { type: 'partial', start: 10, end: 20 }],
    ['BYTES=10-20', { type: 'partial', start: 10, end: 20 }],
    ['bytes=1000-', { type: 'unsatisfiable' }],
    ['bytes=1000-2000', { type: 'unsatisfiable' }],
    ['bytes=-0', { type: 'unsatisfiable' }],
    ['bytes=0-1,5-9', { type: 'full' }],
    ['bytes=0-1,2000-3000', { type: 'full' }],
    ['bytes=2000-3000,4000-', { type: 'unsatisfiable' }],
    ['bytes=20-10', { type: 'full' }],
    ['bytes=abc', { type: 'full' }],
    ['bytes=-', { type: 'full' }],
    ['bytes=1-2-3', { type: 'full' }],
    ['items=0-10', { type: 'full' }],
    ['0-10', { type: 'full' }],
    ['', { type: 'full' }],
  ])('%s', (header, expected) => {
    expect(decideRange(header, size)).toEqual(expected);
  });

  it('finds nothing satisfiable in an empty file', () => {
    expect(decideRange('bytes=0-', 0)).toEqual({ type: 'unsatisfiable' });
    expect(decideRange(undefined, 0)).toEqual({ type: 'full' });
  });
});

describe('upstreamRange', () => {
  it.each([
    [undefined, undefined],
    ['bytes=0-0', 'bytes=0-0'],
    ['bytes= 10 - 20', 'bytes=10-20'],
    ['bytes=-100', 'bytes=-100'],
    ['bytes=500-', 'bytes=500-'],
    ['bytes=0-1,5-9', undefined],
    ['bytes=20-10', undefined],
    ['bytes=x', undefined],
    ['items=0-1', undefined],
  ])('%s → %s', (header, expected) => {
    expect(upstreamRange(header)).toBe(expected);
  });
});

describe('Content-Range', () => {
  it('formats satisfied, unknown-size and unsatisfied ranges', () => {
    expect(contentRange(0, 9, 100)).toBe('bytes 0-9/100');
    expect(contentRange(0, 9, undefined)).toBe('bytes 0-9/*');
    expect(unsatisfiedContentRange(100)).toBe('bytes */100');
  });

  it.each([
    ['bytes 0-9/100', { start: 0, end: 9, size: 100 }],
    ['bytes 90-99/100', { start: 90, end: 99, size: 100 }],
    ['bytes 0-9/*', { start: 0, end: 9, size: undefined }],
    ['bytes 9-0/100', undefined],
    ['bytes 0-100/100', undefined],
    ['bytes */100', undefined],
    ['0-9/100', undefined],
    [undefined, undefined],
  ])('parses %s', (header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });
});
