/**
 * The Apollo Server of the subgraph: the federated schema from schema/subgraph.graphql with the
 * typed resolvers, inline traces (ftv1) for the router, the Sandbox landing page and introspection
 * outside production, CSRF prevention (Apollo's default), and errors formatted in errors.ts.
 * src/server.ts mounts it at /graphql with the returned `context` function.
 */
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { apolloOperationalOptions } from './apollo-options.js';
import type { CallerAuth } from '../auth/caller-auth.js';
import type { Config } from '../config.js';
import type { CcfsApi, GatewayApi } from '../cc/types.js';
import type { LinkMinter } from '../media/link-target.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestContext } from '../observability/request-context.js';
import { createAgentOperationStore, type AgentOperationStore } from '../data/agent-operations-store.js';
import type { PlaybackGrants } from '../data/playback-grants/playback-grants.js';
import type { RequestAgentOperationIndex } from '../data/agent-operation-requests.js';
import type { RecordingIndexReader } from '../data/recording-index/recording-index-reader.js';
import { createKeysetCursorCodec } from './paging/keyset-cursor.js';
import { createContext, type GraphQLContext, type GraphQLServices } from './context.js';
import { formatGraphQLError, logGraphQLError } from './errors.js';
import { resolvers } from './resolvers/index.js';

export const SCHEMA_URL = new URL('../../schema/subgraph.graphql', import.meta.url);

export interface GraphQLServerDeps {
  config: Config;
  ccfs: CcfsApi;
  gateway: GatewayApi | undefined;
  links: LinkMinter;
  logger: Logger;
  metrics: Metrics;
  httpServer: http.Server;
  /** Playback tokens, shared with the media route (which renews those the platform forgot). */
  playbackGrants: PlaybackGrants;
  /** Parsed agent operation indexes; default an in-memory LRU (one per server). */
  operations?: AgentOperationStore;
  /** Reads of the ingested recording index and of the agent operation indexes asked for. */
  recordingIndex: RecordingIndexReader;
  /** The write side's "ask the CC-FS for an agent operation index". */
  requestAgentOperationIndex: RequestAgentOperationIndex;
}

export interface GraphQLServer {
  apollo: ApolloServer<GraphQLContext>;
  /** A fresh context (fresh loaders) for one request of the given caller. */
  context: (auth: CallerAuth, request: RequestContext) => GraphQLContext;
}

export function readSubgraphTypeDefs(): string {
  return readFileSync(SCHEMA_URL, 'utf8');
}

/** @apollo/subgraph's (untyped) resolver map, as buildSubgraphSchema accepts it. */
type SubgraphModule = Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], DocumentNode>;

export function createSubgraphSchema(): GraphQLSchema {
  // The generated Resolvers type is stricter than @apollo/subgraph's loose resolver map; both
  // describe the same object.
  const resolverMap = resolvers as unknown as SubgraphModule['resolvers'];
  return buildSubgraphSchema([{ typeDefs: parse(readSubgraphTypeDefs()), resolvers: resolverMap }]);
}

export function createGraphQLServer(deps: GraphQLServerDeps): GraphQLServer {
  const { config, logger } = deps;
  // Introspection, landing page, depth limit, no stack traces, no signal handlers (main.ts owns shutdown).
  const operational = apolloOperationalOptions(config);

  const services: GraphQLServices = {
    config,
    ccfs: deps.ccfs,
    gateway: deps.gateway,
    links: deps.links,
    logger,
    metrics: deps.metrics,
    playbackGrants: deps.playbackGrants,
    operations: deps.operations ?? createAgentOperationStore({ ccfs: deps.ccfs, timeZone: config.ccTimeZone, logger }),
    recordingIndex: deps.recordingIndex,
    requestAgentOperationIndex: deps.requestAgentOperationIndex,
    // Same keys as the links: any replica verifies a cursor, and rotating the keys rotates both.
    cursors: createKeysetCursorCodec(config.mediaLinkKeys.map((entry) => entry.key)),
  };

  const plugins: ApolloServerPlugin<GraphQLContext>[] = [
    ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer }),
    // Explicit, so Apollo does not log that it enabled it; the router asks for traces per request.
    ApolloServerPluginInlineTrace(),
    ...operational.plugins,
    // The schema gives no cache hints and every answer may carry credentials (tokens, links): instead
    // of Apollo's per-field cache-hint bookkeeping, each answer is simply `Cache-Control: no-store`,
    // the header that bookkeeping arrived at.
    ApolloServerPluginCacheControlDisabled(),
    {
      requestDidStart: async () => ({
        // Error log lines name their request (the context knows it; formatError does not).
        didEncounterErrors: async ({ errors, contextValue }) => {
          for (const error of errors) logGraphQLError(logger, error, contextValue.request.requestId);
        },
        willSendResponse: async ({ response }) => {
          response.http.headers.set('cache-control', 'no-store');
        },
      }),
    },
  ];

  const apollo = new ApolloServer<GraphQLContext>({
    schema: createSubgraphSchema(),
    ...operational,
    plugins,
    formatError: formatGraphQLError,
    logger: {
      debug: (message) => logger.debug(message),
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      error: (message) => logger.error(message),
    },
  });

  return {
    apollo,
    context: (auth, request) => createContext(services, auth, request),
  };
}
