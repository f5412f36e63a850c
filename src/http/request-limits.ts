/**
 * Size limits in front of Apollo: the JSON body (json-body.ts, 413) and the GraphQL document itself
 * (400), so that an oversized operation is refused before it is parsed. Errors
 * answer in the GraphQL response shape, without stack traces. Written against node:http's own
 * request and response (the /graphql endpoint runs without express); `jsonErrors` is express's
 * last error handler for the other routes.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import type { Logger } from '../observability/logger.js';
import { requestContextOf } from '../observability/request-context.js';

/** A GraphQL-shaped error answer. */
export function sendGraphQLError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

function documentBytes(body: unknown): number {
  const operations = Array.isArray(body) ? body : [body];
  let bytes = 0;
  for (const operation of operations) {
    if (operation !== null && typeof operation === 'object' && 'query' in operation && typeof operation.query === 'string') {
      bytes += Buffer.byteLength(operation.query, 'utf8');
    }
  }
  return bytes;
}

/**
 * Refuses a GraphQL document over the limit (GET: the `query` parameter; POST: every operation's
 * `query`). Returns whether the request may go on.
 */
export function checkQuerySize(maxQueryBytes: number, res: ServerResponse, body: unknown, search: URLSearchParams | undefined): boolean {
  const bytes = search === undefined ? documentBytes(body) : Buffer.byteLength(search.get('query') ?? '', 'utf8');
  if (bytes <= maxQueryBytes) return true;
  sendGraphQLError(res, 400, 'QUERY_TOO_LARGE', `The GraphQL document has ${bytes} bytes; at most ${maxQueryBytes} are allowed`);
  return false;
}

interface HttpError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/** A thrown error → a JSON answer, never a stack trace or an internal message. */
export function answerHttpError(logger: Logger, error: unknown, res: ServerResponse, requestId: string | undefined): void {
  const httpError = (error ?? {}) as HttpError;
  const status = httpError.status ?? httpError.statusCode ?? 500;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (httpError.type === 'entity.too.large') {
    sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
  } else if (httpError.type === 'entity.parse.failed') {
    sendGraphQLError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
  } else if (status >= 400 && status < 500 && httpError.expose) {
    sendGraphQLError(res, status, 'BAD_REQUEST', 'The request could not be read');
  } else {
    logger.error({ requestId, errorName: error instanceof Error ? error.name : typeof error }, 'unhandled error in an HTTP handler');
    sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  }
}

/** The last express handler: JSON errors, never a stack trace or an internal message. */
export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) =>
    answerHttpError(logger, error, res, requestContextOf(res)?.requestId);
}
