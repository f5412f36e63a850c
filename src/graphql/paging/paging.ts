/** Filters rows by agentId / callId and cuts one page, with opaque offset cursors. */
import type { AgentOperationPageModel } from '../models.js';
import type { AgentOperationRow } from '../../cc/files/agent-operation-row.js';
import { encodeOffsetCursor } from './cursor.js';

export interface OperationsQuery {
  agentId?: string | undefined;
  callId?: string | undefined;
  /** Page size (already validated). */
  first: number;
  /** Offset in the filtered rows where the page starts. */
  start: number;
}

export function pageOfOperations(rows: readonly AgentOperationRow[], query: OperationsQuery): AgentOperationPageModel {
  const matching = rows.filter(
    (row) => (query.agentId === undefined || row.agentId === query.agentId) && (query.callId === undefined || row.callId === query.callId),
  );
  const nodes = matching.slice(query.start, query.start + query.first);
  const end = query.start + nodes.length;
  return {
    nodes,
    totalCount: matching.length,
    pageInfo: { endCursor: nodes.length > 0 ? encodeOffsetCursor(end) : null, hasNextPage: end < matching.length },
  };
}
