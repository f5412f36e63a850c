import { describe, expect, it } from '@jest/globals';
import { directionOf } from '../../../src/data/recording-index/call-direction.js';

describe('call_type → direction', () => {
  it.each([
    [0, 'INBOUND'],
    [3, 'INBOUND'],
    [5, 'INBOUND'],
    [6, 'INTERNAL'],
    [7, 'OUTBOUND'],
    [10, 'OUTBOUND'],
    [12, 'OUTBOUND'],
    [13, 'UNKNOWN'],
    [20, 'UNKNOWN'],
    [39, 'UNKNOWN'],
    [40, 'OUTBOUND'],
    [42, 'OUTBOUND'],
    [43, 'UNKNOWN'],
    [-1, 'UNKNOWN'],
    [null, 'UNKNOWN'],
  ] as const)('%s → %s', (callType, direction) => {
    expect(directionOf(callType)).toBe(direction);
  });
});
