/**
 * The GraphQL baselines: @apollo/server + @apollo/subgraph serving the same SDL as the subgraph,
 * with static resolvers that return precomputed values. BASELINE_STACK picks the HTTP layer:
 *   bare    — startStandaloneServer (Node's http, no framework): the fastest this schema can be
 *             served by the same GraphQL stack; the target is measured against it.
 *   express — express 5 + expressMiddleware + express.json, as src/server.ts mounts Apollo, but
 *             without any middleware or resolver of ours: it splits what the framework costs from
 *             what our own code costs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { serveRpc } from '../lib/rpc.js';

const typeDefs = parse(readFileSync(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8'));

const expiresAt = new Date(Date.now() + 30 * 60_000).toISOString();
// Shapes and sizes like the real answers (a 32-hex CC token, a ~300-character signed link).
const token = '7D41CF5DE98948979AAE063114C8AFCF';
const url = `http://127.0.0.1:4001/media/${'A'.repeat(300)}`;

const resolvers = {
  Recording: {
    __resolveReference: (reference: { fileName: string }) => ({ fileName: reference.fileName }),
    playback: () => ({ token, expiresAt, url }),
    download: (recording: { fileName: string }) => ({ url, expiresAt, fileName: recording.fileName }),
  },
};
const schema = buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);

async function startBare(): Promise<{ graphqlUrl: string; stop: () => Promise<void> }> {
  const server = new ApolloServer({ schema });
  const { url: serverUrl } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { graphqlUrl: serverUrl.replace(/\/$/, ''), stop: () => server.stop() };
}

async function startExpress(): Promise<{ graphqlUrl: string; stop: () => Promise<void> }> {
  const app = express();
  const httpServer = http.createServer(app);
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginDrainHttpServer({ httpServer })] });
  await server.start();
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(server));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { graphqlUrl: `http://127.0.0.1:${port}/graphql`, stop: () => server.stop() };
}

const running = process.env.BASELINE_STACK === 'express' ? await startExpress() : await startBare();

process.on('SIGTERM', () => {
  void running.stop().finally(() => process.exit(0));
});

serveRpc({ graphqlUrl: running.graphqlUrl }, {});
