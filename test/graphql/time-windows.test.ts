import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { requireDayRange, requireTimeWindow } from '../../src/graphql/time-windows.js';

const at = (iso: string) => new Date(iso);

function refused(run: () => unknown): { code: unknown; argumentName: unknown } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const { code, argumentName } = (error as GraphQLError).extensions;
    return { code, argumentName };
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('time windows', () => {
  it('accepts [from, to) up to the limit, exactly the limit included', () => {
    expect(requireTimeWindow(at('2026-11-01T00:00:00Z'), at('2026-11-01T00:00:01Z'), 3)).toEqual({
      fromMs: Date.parse('2026-11-01T00:00:00Z'),
      toMs: Date.parse('2026-11-01T00:00:01Z'),
    });
    expect(() => requireTimeWindow(at('2026-11-01T00:00:00Z'), at('2026-11-04T00:00:00Z'), 3)).not.toThrow();
    expect(() => requireTimeWindow(at('2026-11-01T00:00:00Z'), at('2026-12-02T00:00:00Z'), 31)).not.toThrow();
  });

  it('refuses from not before to, and a window over the limit', () => {
    expect(refused(() => requireTimeWindow(at('2026-11-01T00:00:00Z'), at('2026-11-01T00:00:00Z'), 3))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'from' });
    expect(refused(() => requireTimeWindow(at('2026-11-02T00:00:00Z'), at('2026-11-01T00:00:00Z'), 3))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'from' });
    expect(refused(() => requireTimeWindow(at('2026-11-01T00:00:00Z'), at('2026-11-04T00:00:00.001Z'), 3))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'to' });
    expect(refused(() => requireTimeWindow(at('2026-11-01T00:00:00Z'), at('2026-12-02T00:00:01Z'), 31))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'to' });
  });

  it('takes calendar-day ranges inclusive at both ends', () => {
    expect(requireDayRange('2026-11-01', '2026-11-01', 31)).toEqual({ from: '2026-11-01', to: '2026-11-01' });
    expect(() => requireDayRange('2026-11-01', '2026-12-01', 31)).not.toThrow();
    expect(refused(() => requireDayRange('2026-11-01', '2026-12-02', 31))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'to' });
    expect(refused(() => requireDayRange('2026-11-02', '2026-11-01', 31))).toEqual({ code: 'BAD_USER_INPUT', argumentName: 'from' });
  });
});
