/**
 * An agent operation index: date and responseId from its name, a download link, and its rows
 * (downloaded and parsed once, then served from the shared operation store), filtered and paged,
 * and, for the indexes this subgraph asked for, when the CC-FS reported them ready.
 */
import type { AgentOperationIndexResolvers, AgentOperationResolvers } from '../../generated/resolvers-types.js';
import { opTypeName } from '../../cc/files/op-types.js';
import { pageOfOperations } from '../paging/paging.js';
import { inRequest } from '../context.js';
import { mintLink } from '../mint-link.js';
import { linkTtlSeconds, optionalAgentId, optionalCallId, pageSize, pageStart, requireIndexFileName } from '../validation.js';

export const AgentOperationIndex: AgentOperationIndexResolvers = {
  // Async: a bad representation fails alone in `_entities` (see Recording.ts).
  __resolveReference: async (reference) => requireIndexFileName(reference.fileName),
  fileName: (parent) => parent.fileName,
  date: (parent) => parent.date,
  responseId: (parent) => parent.responseId,

  download: (parent, { expiresInSeconds }, context) =>
    mintLink(context, {
      target: { kind: 'agentOprInfoFile', fileName: parent.fileName },
      disposition: 'attachment',
      fileName: parent.fileName,
      ttlSeconds: linkTtlSeconds(expiresInSeconds, context.services.config),
    }),

  operations: async (parent, args, context) => {
    // Every argument is checked before the (possibly large) download.
    const query = {
      agentId: optionalAgentId(args.agentId),
      callId: optionalCallId(args.callId),
      first: pageSize(args.first),
      start: pageStart(args.after),
    };
    const rows = await inRequest(context, () => context.services.operations.rows(parent.fileName));
    return pageOfOperations(rows, query);
  },

  // Known from the list it came with, or one batched query per request.
  readyAt: (parent, _args, context) =>
    parent.readyAt !== undefined ? parent.readyAt : context.loaders.index.agentOperationIndexReadyAt.load(parent.fileName),
};

export const AgentOperation: AgentOperationResolvers = {
  opTypeName: (parent) => opTypeName(parent.opType),
};
