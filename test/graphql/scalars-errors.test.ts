import { describe, expect, it } from '@jest/globals';
import { GraphQLError, Kind } from 'graphql';
import { DateScalar, DateTimeScalar, formatDateTime } from '../../src/graphql/resolvers/scalars.js';
import { formatGraphQLError, badUserInput } from '../../src/graphql/errors.js';
import { CcError } from '../../src/cc/cc-error.js';

describe('DateTime', () => {
  it('serialises instants in UTC without zero milliseconds', () => {
    expect(DateTimeScalar.serialize(new Date('2026-11-22T02:11:10Z'))).toBe('2026-11-22T02:11:10Z');
    expect(DateTimeScalar.serialize(new Date('2026-11-22T02:11:10.250Z'))).toBe('2026-11-22T02:11:10Z');
    expect(DateTimeScalar.serialize('2026-11-22T10:11:10+08:00')).toBe('2026-11-22T02:11:10Z');
    expect(formatDateTime(new Date(0))).toBe('1970-01-01T00:00:00Z');
  });

  it('refuses what is not an instant', () => {
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow(GraphQLError);
    expect(() => DateTimeScalar.serialize(12)).toThrow(GraphQLError);
    expect(() => DateTimeScalar.serialize('yesterday')).toThrow(GraphQLError);
  });

  it('parses ISO-8601 with Z or an offset, and nothing else', () => {
    expect(DateTimeScalar.parseValue('2026-11-22T02:11:10Z')).toEqual(new Date('2026-11-22T02:11:10Z'));
    expect(DateTimeScalar.parseValue('2026-11-22T10:11:10.5+08:00')).toEqual(new Date('2026-11-22T02:11:10.500Z'));
    expect(DateTimeScalar.parseLiteral({ kind: Kind.STRING, value: '2026-11-22T02:11:10Z' })).toEqual(new Date('2026-11-22T02:11:10Z'));
    for (const bad of ['2026-11-22 02:11:10', '2026-11-22T02:11:10', '2026-02-30T00:00:00Z', '2026-11-22T25:00:00Z', 5, null]) {
      expect(() => DateTimeScalar.parseValue(bad)).toThrow(GraphQLError);
    }
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '5' })).toThrow(GraphQLError);
  });
});

describe('Date', () => {
  it('serialises and parses calendar dates', () => {
    expect(DateScalar.serialize('2018-07-02')).toBe('2018-07-02');
    expect(DateScalar.serialize(new Date('2018-07-02T23:00:00Z'))).toBe('2018-07-02');
    expect(DateScalar.parseValue('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '2018-7-2', '20180702', 7]) expect(() => DateScalar.parseValue(bad)).toThrow(GraphQLError);
    expect(() => DateScalar.serialize('2018-13-01')).toThrow(GraphQLError);
  });
});

describe('formatGraphQLError', () => {
  const wrap = (original: Error) => new GraphQLError(original.message, { path: ['recording', 'playback'], originalError: original });
  const format = (error: GraphQLError) => formatGraphQLError({ message: error.message, path: error.path, extensions: { ...error.extensions, stacktrace: ['at x'] } }, error);

  it.each([
    ['not_found', '0300011', 'CC_FILE_NOT_FOUND'],
    ['not_found', '0300012', 'CC_FILE_NOT_FOUND'],
    ['flow_control', '0300008', 'CC_FLOW_CONTROL'],
    ['unauthorized', undefined, 'CC_UNAUTHORIZED'],
    ['unavailable', undefined, 'CC_UNAVAILABLE'],
    ['not_configured', undefined, 'CC_GATEWAY_NOT_CONFIGURED'],
    ['bad_parameter', '0300004', 'CC_ERROR'],
    ['other', '000-003', 'CC_ERROR'],
  ] as const)('maps CcError %s/%s to %s', (kind, code, expected) => {
    const formatted = format(wrap(new CcError(kind, 'token=SECRET123 failed', code === undefined ? {} : { code })));
    expect(formatted.extensions?.code).toBe(expected);
    expect(formatted.extensions?.ccResultCode).toBe(code);
    expect(formatted.path).toEqual(['recording', 'playback']);
    expect(formatted.message).not.toContain('SECRET123');
    expect(formatted.extensions).not.toHaveProperty('stacktrace');
  });

  it('keeps BAD_USER_INPUT as thrown, without internals', () => {
    const formatted = format(wrap(badUserInput('first must be from 1 to 1000.', 'first')));
    expect(formatted).toMatchObject({ message: 'first must be from 1 to 1000.', extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' } });
    expect(formatted.extensions).not.toHaveProperty('stacktrace');
  });

  it('hides unexpected errors behind a generic message', () => {
    const formatted = format(new GraphQLError('connect ECONNREFUSED key=abc', { originalError: new TypeError('connect ECONNREFUSED key=abc'), extensions: { code: 'INTERNAL_SERVER_ERROR' } }));
    expect(formatted.message).toBe('Internal server error.');
    expect(formatted.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
