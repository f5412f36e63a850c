/**
 * searchRecordings: the index rows whose call began in [from, to), filtered, newest first in the
 * total order (begin_time DESC, call_id DESC, file_name DESC), one page after a keyset position.
 * The position is the last row of the previous page, so a row inserted while a client pages is
 * never shown twice and never shifts a row off the pages still to come (an offset would).
 * Both dialects compare the row value (begin_time, call_id, file_name) inside the index range of
 * recording_by_begin (or recording_by_agent_keyset with an agent): docs/recording-index-fields.md.
 */
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { ALL_KNOWN_CALL_TYPE_RANGES, CALL_TYPE_RANGES, type CallDirection } from './call-direction.js';
import type { ReadTables } from './read-tables.js';
import { RECORDING_COLUMNS, toRecordingEntry, type RecordingEntry } from './recording-entry.js';

export interface RecordingFilters {
  /** Calls that began at or after (epoch ms). */
  fromMs: number;
  /** …and before (epoch ms). */
  toMs: number;
  agentId?: string | undefined;
  callId?: string | undefined;
  callerNumber?: string | undefined;
  calleeNumber?: string | undefined;
  direction?: CallDirection | undefined;
}

/** Where a page ends: the sort key of its last row. */
export interface RecordingPosition {
  /** begin_time, epoch milliseconds. */
  beginMs: number;
  callId: string;
  fileName: string;
}

export interface RecordingSearchPage {
  entries: RecordingEntry[];
  hasNextPage: boolean;
  /** The position of the last entry, or undefined on an empty page. */
  endPosition: RecordingPosition | undefined;
}

type RecordingExpressions = ExpressionBuilder<ReadTables, 'recording'>;

function callTypeIn(eb: RecordingExpressions, ranges: ReadonlyArray<readonly [number, number]>): Expression<SqlBool> {
  return eb.or(ranges.map(([low, high]) => (low === high ? eb('call_type', '=', low) : eb('call_type', '>=', low).and('call_type', '<=', high))));
}

function directionCondition(eb: RecordingExpressions, direction: CallDirection): Expression<SqlBool> {
  if (direction !== 'UNKNOWN') return callTypeIn(eb, CALL_TYPE_RANGES[direction]);
  return eb.or([eb('call_type', 'is', null), eb.not(callTypeIn(eb, ALL_KNOWN_CALL_TYPE_RANGES))]);
}

function filterConditions(eb: RecordingExpressions, filters: RecordingFilters): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [eb('begin_time', '>=', filters.fromMs), eb('begin_time', '<', filters.toMs)];
  if (filters.agentId !== undefined) conditions.push(eb('agent_id', '=', filters.agentId));
  if (filters.callId !== undefined) conditions.push(eb('call_id', '=', filters.callId));
  if (filters.callerNumber !== undefined) conditions.push(eb('caller_no', '=', filters.callerNumber));
  if (filters.calleeNumber !== undefined) conditions.push(eb('callee_no', '=', filters.calleeNumber));
  if (filters.direction !== undefined) conditions.push(directionCondition(eb, filters.direction));
  return conditions;
}

/** The page query (exported for the query-plan test): one row more than asked tells whether another page follows. */
export function searchPageQuery(db: Kysely<ReadTables>, filters: RecordingFilters, first: number, after: RecordingPosition | undefined) {
  return db
    .selectFrom('recording')
    .select(RECORDING_COLUMNS)
    .where((eb) => {
      const conditions = filterConditions(eb, filters);
      if (after !== undefined) {
        conditions.push(eb(eb.refTuple('begin_time', 'call_id', 'file_name'), '<', eb.tuple(after.beginMs, after.callId, after.fileName)));
      }
      return eb.and(conditions);
    })
    .orderBy('begin_time', 'desc')
    .orderBy('call_id', 'desc')
    .orderBy('file_name', 'desc')
    .limit(first + 1);
}

export async function searchRecordingPage(
  db: Kysely<ReadTables>,
  filters: RecordingFilters,
  first: number,
  after: RecordingPosition | undefined,
): Promise<RecordingSearchPage> {
  const rows = await searchPageQuery(db, filters, first, after).execute();
  const page = rows.slice(0, first);
  const last = page[page.length - 1];
  return {
    entries: page.map(toRecordingEntry),
    hasNextPage: rows.length > first,
    // Every row of a search has a begin_time (the window filter excludes nulls).
    endPosition: last === undefined ? undefined : { beginMs: Number(last.begin_time), callId: last.call_id, fileName: last.file_name },
  };
}

/** The rows that match the filters, over all pages. */
export function countQuery(db: Kysely<ReadTables>, filters: RecordingFilters) {
  return db
    .selectFrom('recording')
    .select((eb) => eb.fn.countAll().as('matching'))
    .where((eb) => eb.and(filterConditions(eb, filters)));
}

export async function countRecordings(db: Kysely<ReadTables>, filters: RecordingFilters): Promise<number> {
  const row = await countQuery(db, filters).executeTakeFirstOrThrow();
  return Number(row.matching);
}
