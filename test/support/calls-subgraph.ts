/**
 * The test-only companion subgraph of a supergraph: it owns `Query.calls` (the SDL of
 * scripts/calls-subgraph.example.graphql) and references Recording, VideoRecording and
 * AgentOperationIndex by key, serving the calls it is given.
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';

export const CALLS_SUBGRAPH_SDL: DocumentNode = parse(
  readFileSync(new URL('../../scripts/calls-subgraph.example.graphql', import.meta.url), 'utf8'),
);

export interface CompanionCall {
  callId: string;
  reviewedRecordings: Array<{ fileName: string }>;
  videos: Array<{ conferenceId: string; recordId: string }>;
  operationIndex: { fileName: string } | null;
}

export interface CallsSubgraph {
  url: string;
  stop(): Promise<void>;
}

export async function startCallsSubgraph(calls: CompanionCall[]): Promise<CallsSubgraph> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs: CALLS_SUBGRAPH_SDL,
        resolvers: {
          Query: { calls: () => calls },
          Call: { __resolveReference: (reference: { callId: string }) => calls.find((call) => call.callId === reference.callId) ?? null },
        },
      },
    ]),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}
