/**
 * DateTime: an instant, serialised as ISO-8601 UTC with second precision (`2026-11-22T02:11:10Z`;
 * milliseconds are truncated, so an expiry is never reported later than it is); parsed from ISO-8601 with `Z` or an offset. Date: an ISO-8601 calendar date.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isValidCalendarDate } from '../../cc/files/calendar-date.js';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Recently formatted instants: a response repeats a few expiries many times (20 links, one CC token life). */
const formatted = new Map<number, string>();
const FORMATTED_MAX = 1024;

export function formatDateTime(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  let text = formatted.get(seconds);
  if (text === undefined) {
    text = `${date.toISOString().slice(0, 19)}Z`;
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(seconds, text);
  }
  return text;
}

export function parseDateTime(text: string): Date | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!isValidCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = match[8] as string;
  if (offset.toUpperCase() !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function isValidDate(text: string): boolean {
  const match = DATE.exec(text);
  return match !== null && isValidCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

function dateTimeFromInput(value: unknown): Date {
  if (typeof value === 'string') {
    const date = parseDateTime(value);
    if (date) return date;
  }
  throw new GraphQLError('DateTime must be an ISO-8601 date-time with a Z or ±hh:mm offset, e.g. 2026-11-22T02:11:10Z.');
}

function dateFromInput(value: unknown): string {
  if (typeof value === 'string' && isValidDate(value)) return value;
  throw new GraphQLError('Date must be an ISO-8601 calendar date, e.g. 2018-07-02.');
}

function stringLiteral(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw new GraphQLError(`${scalar} must be given as a string.`, { nodes: ast });
  return ast.value;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant as an ISO-8601 string in UTC, e.g. 2026-11-22T02:11:10Z.',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return formatDateTime(value);
    if (typeof value === 'string') {
      const date = parseDateTime(value);
      if (date) return formatDateTime(date);
    }
    throw new GraphQLError('DateTime cannot represent this value.');
  },
  parseValue: dateTimeFromInput,
  parseLiteral: (ast) => dateTimeFromInput(stringLiteral(ast, 'DateTime')),
});

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'An ISO-8601 calendar date, e.g. 2018-07-02.',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
    if (typeof value === 'string' && isValidDate(value)) return value;
    throw new GraphQLError('Date cannot represent this value.');
  },
  parseValue: dateFromInput,
  parseLiteral: (ast) => dateFromInput(stringLiteral(ast, 'Date')),
});
