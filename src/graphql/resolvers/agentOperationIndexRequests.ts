/**
 * Agent operation indexes asked through this subgraph: the mutation that asks the CC-FS for one
 * (returns at once; the file comes later), and the list of those asked by request day.
 */
import type { MutationResolvers, QueryResolvers } from '../../generated/resolvers-types.js';
import { parseIndexFileName } from '../../cc/files/index-file-name.js';
import { isCcError } from '../../cc/cc-error.js';
import { IndexDatabaseError } from '../../data/recording-index/index-database-error.js';
import type { RequestedAgentOperationIndex } from '../../data/agent-operation-requests.js';
import type { AgentOperationIndexModel } from '../models.js';
import { requireDayRange, requireTimeWindow, WINDOW_DAYS } from '../time-windows.js';
import { optionalAgentId } from '../validation.js';

export const requestAgentOperationIndex: NonNullable<MutationResolvers['requestAgentOperationIndex']> = async (_parent, args, context) => {
  requireTimeWindow(args.from, args.to, WINDOW_DAYS.requestAgentOperationIndex);
  const agentId = optionalAgentId(args.agentId);
  let requested: RequestedAgentOperationIndex;
  try {
    requested = await context.services.requestAgentOperationIndex({ from: args.from, to: args.to, agentId });
  } catch (error) {
    // The write side either calls the CC-FS (CcError, mapped as such) or stores the file it expects.
    if (isCcError(error)) throw error;
    throw new IndexDatabaseError('requestAgentOperationIndex', error);
  }
  const parsed = parseIndexFileName(requested.fileName);
  // The write side builds the name from the responseId and the request day; it is always valid.
  if (parsed === undefined) throw new Error('the write side returned an agent operation index name that is not yyyyMMdd_{responseId}.zip');
  // readyAt is left to the loader: the callback may already have come.
  return parsed;
};

export const agentOperationIndexes: NonNullable<QueryResolvers['agentOperationIndexes']> = async (_parent, args, context) => {
  const days = requireDayRange(args.from, args.to, WINDOW_DAYS.agentOperationIndexes);
  const entries = await context.services.recordingIndex.agentOperationIndexes(days.from, days.to);
  return entries.flatMap((entry): AgentOperationIndexModel[] => {
    const parsed = parseIndexFileName(entry.fileName);
    return parsed === undefined ? [] : [{ ...parsed, readyAt: entry.readyAt }];
  });
};
