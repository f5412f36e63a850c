/**
 * Query.searchRecordings: every argument is checked first (window, ids, numbers, page size, and an
 * `after` that this field returned for the same arguments), so bad input costs no database query;
 * then one query for the page and, only when asked, one for totalCount.
 */
import type { QueryResolvers, RecordingPageResolvers } from '../../generated/resolvers-types.js';
import type { RecordingFilters, RecordingPosition } from '../../data/recording-index/search-recordings.js';
import { badUserInput } from '../errors.js';
import { cursorScope } from '../paging/keyset-cursor.js';
import type { GraphQLContext } from '../context.js';
import { requireTimeWindow, WINDOW_DAYS } from '../time-windows.js';
import { optionalAgentId, optionalCallId, optionalPhoneNumber, pageSize } from '../validation.js';

type SearchRecordingsResolver = NonNullable<QueryResolvers['searchRecordings']>;

function afterPosition(after: string | null | undefined, scope: string, context: GraphQLContext): RecordingPosition | undefined {
  if (after === null || after === undefined) return undefined;
  const position = context.services.cursors.decode(scope, after);
  if (position === undefined) {
    throw badUserInput('after must be an endCursor that searchRecordings returned for the same arguments.', 'after');
  }
  return position;
}

export const searchRecordings: SearchRecordingsResolver = async (_parent, args, context) => {
  const window = requireTimeWindow(args.from, args.to, WINDOW_DAYS.searchRecordings);
  const filters: RecordingFilters = {
    ...window,
    agentId: optionalAgentId(args.agentId),
    callId: optionalCallId(args.callId),
    callerNumber: optionalPhoneNumber(args.callerNumber, 'callerNumber'),
    calleeNumber: optionalPhoneNumber(args.calleeNumber, 'calleeNumber'),
    direction: args.direction ?? undefined,
  };
  const first = pageSize(args.first);
  const scope = cursorScope('searchRecordings', {
    from: filters.fromMs,
    to: filters.toMs,
    agentId: filters.agentId,
    callId: filters.callId,
    callerNumber: filters.callerNumber,
    calleeNumber: filters.calleeNumber,
    direction: filters.direction,
  });
  const after = afterPosition(args.after, scope, context);

  const { recordingIndex, cursors } = context.services;
  const page = await recordingIndex.searchPage(filters, first, after);
  let counted: Promise<number> | undefined;
  return {
    nodes: page.entries.map((entry) => ({ fileName: entry.fileName, index: entry })),
    totalCount: () => (counted ??= recordingIndex.count(filters)),
    pageInfo: {
      endCursor: page.endPosition === undefined ? null : cursors.encode(scope, page.endPosition),
      hasNextPage: page.hasNextPage,
    },
  };
};

export const RecordingPage: RecordingPageResolvers = {
  nodes: (parent) => parent.nodes,
  totalCount: (parent) => parent.totalCount(),
  pageInfo: (parent) => parent.pageInfo,
};
