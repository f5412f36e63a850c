/**
 * /graphql on node:http, without express: CORS (only for requests that carry an `Origin` or are a
 * preflight), the router secret, the JSON body and document size limits, then Apollo's own
 * executeHTTPGraphQLRequest (CSRF prevention included), whose answer is written as is (no ETag:
 * every answer differs, so hashing it is wasted work).
 *
 * Served this way because express's request and response wrappers, its router and res.send (which
 * hashes every body for an ETag) cost more per request than the GraphQL execution of a 20-entity
 * query; see README, "Benchmarks".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';
import cors from 'cors';
import type { Logger } from '../observability/logger.js';
import type { RequestContext } from '../observability/request-context.js';
import type { RequestTracking } from './request-id.js';
import { jsonBody, type BodiedRequest } from './json-body.js';
import { answerHttpError, checkQuerySize, sendGraphQLError } from './request-limits.js';
import { createTurnQueue } from './turn-queue.js';
import { ROUTER_ONLY_MESSAGE, ROUTER_SECRET_HEADER, routerSecretCheck } from './router-secret.js';

export interface GraphQLEndpointOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** The GraphQL context of one request (the caller is authenticated here). */
  context: (req: IncomingMessage, request: RequestContext) => Promise<TContext>;
  corsOrigins: string[];
  routerSecret: string | undefined;
  maxBodyBytes: number;
  maxQueryBytes: number;
  logger: Logger;
  track: RequestTracking;
}

// Express matched /graphql case-insensitively, with or without a trailing segment or query.
const GRAPHQL_PATH = /^\/graphql(?:[/?#]|$)/i;

/** Whether a request URL (path and query string) is the GraphQL endpoint. */
export function isGraphQLPath(url: string | undefined): boolean {
  return url !== undefined && GRAPHQL_PATH.test(url);
}

export function createGraphQLEndpoint<TContext extends BaseContext>(
  options: GraphQLEndpointOptions<TContext>,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, logger, maxQueryBytes, track } = options;
  const fromRouter = options.routerSecret === undefined ? undefined : routerSecretCheck(options.routerSecret);
  const corsHandler = cors({ origin: options.corsOrigins, credentials: true });
  const readBody = jsonBody(options.maxBodyBytes);
  // Executions take turns with the I/O of everything else (downloads above all): turn-queue.ts.
  const inTurn = createTurnQueue();

  const fail = (res: ServerResponse, request: RequestContext) => (error: unknown) => answerHttpError(logger, error, res, request.requestId);

  async function execute(req: BodiedRequest, res: ServerResponse, request: RequestContext): Promise<void> {
    const url = req.url ?? '/graphql';
    const queryStart = url.indexOf('?');
    const search = queryStart === -1 ? '' : url.slice(queryStart);
    const method = (req.method ?? 'GET').toUpperCase();
    if (!checkQuerySize(maxQueryBytes, res, req.body, method === 'GET' ? new URLSearchParams(search) : undefined)) return;

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method, headers, search, body: req.body };
    const answer = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context(req, request) });
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      res.end(answer.body.string);
      return;
    }
    for await (const chunk of answer.body.asyncIterator) res.write(chunk);
    res.end();
  }

  function afterCors(req: BodiedRequest, res: ServerResponse, request: RequestContext): void {
    if (fromRouter !== undefined && !fromRouter(req.headers[ROUTER_SECRET_HEADER])) {
      sendGraphQLError(res, 401, 'UNAUTHENTICATED', ROUTER_ONLY_MESSAGE);
      return;
    }
    readBody(req, res, (error) => {
      if (error !== undefined) fail(res, request)(error);
      else
        inTurn(() => {
          // A client that left while its request waited is not answered.
          if (!res.destroyed) execute(req, res, request).catch(fail(res, request));
        });
    });
  }

  return (req, res) => {
    const request = track(req, res, '/graphql');
    // CORS headers mean something only to a browser, which always sends Origin (and preflights with OPTIONS).
    if (req.headers.origin === undefined && req.method !== 'OPTIONS') {
      afterCors(req, res, request);
      return;
    }
    corsHandler(req, res, (error?: unknown) => {
      if (error !== undefined) fail(res, request)(error);
      else afterCors(req, res, request);
    });
  };
}
