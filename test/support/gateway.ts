/**
 * A real @apollo/gateway in front of running subgraphs, over HTTP: each subgraph's SDL (as given, or
 * as it publishes it in `_service { sdl }`) composed with @apollo/composition into a supergraph.
 */
import { ApolloGateway } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse, type DocumentNode } from 'graphql';
import { postGraphQL, type GraphQLAnswer } from './graphql-client.js';

export interface GatewaySubgraph {
  name: string;
  /** The subgraph's GraphQL endpoint. */
  url: string;
  /** Its SDL; default: fetched from the running subgraph. */
  typeDefs?: DocumentNode;
}

export interface RunningGateway {
  url: string;
  supergraphSdl: string;
  query<TData = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLAnswer<TData>>;
  stop(): Promise<void>;
}

/** The SDL a running subgraph publishes. */
export async function publishedSdl(graphqlUrl: string): Promise<DocumentNode> {
  const answer = await postGraphQL<{ _service: { sdl: string } }>(graphqlUrl, '{ _service { sdl } }');
  const sdl = answer.data?._service.sdl;
  if (sdl === undefined) throw new Error(`no SDL from ${graphqlUrl}: ${answer.status} ${JSON.stringify(answer.errors)}`);
  return parse(sdl);
}

/** Composes the subgraphs; throws with the composition errors when they do not compose. */
export async function composeSupergraph(subgraphs: GatewaySubgraph[]): Promise<string> {
  const services = await Promise.all(
    subgraphs.map(async ({ name, url, typeDefs }) => ({ name, url, typeDefs: typeDefs ?? (await publishedSdl(url)) })),
  );
  const composed = composeServices(services);
  if (composed.errors !== undefined || composed.supergraphSdl === undefined) {
    throw new Error(`composition failed:\n${(composed.errors ?? []).map((e) => e.message).join('\n')}`);
  }
  return composed.supergraphSdl;
}

export async function startGateway(subgraphs: GatewaySubgraph[]): Promise<RunningGateway> {
  const supergraphSdl = await composeSupergraph(subgraphs);
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    url,
    supergraphSdl,
    query: (query, variables, headers) => postGraphQL(url, query, variables, headers),
    stop: () => server.stop(),
  };
}
