/**
 * Size limits in front of Apollo: the JSON body (express.json's limit, 413) and the GraphQL
 * document itself (400), so that an oversized operation is refused before it is parsed. Errors
 * answer in the GraphQL response shape, without stack traces.
 */
import express, { type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '../observability/logger.js';

function graphqlError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

export function jsonBody(maxBodyBytes: number): RequestHandler {
  return express.json({ limit: maxBodyBytes });
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

export function limitQuerySize(maxQueryBytes: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const bytes = req.method === 'GET' ? documentBytes(req.query) : documentBytes(req.body);
    if (bytes > maxQueryBytes) {
      graphqlError(res, 400, 'QUERY_TOO_LARGE', `The GraphQL document has ${bytes} bytes; at most ${maxQueryBytes} are allowed`);
      return;
    }
    next();
  };
}

interface HttpError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/** The last handler: JSON errors, never a stack trace or an internal message. */
export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const httpError = (error ?? {}) as HttpError;
    const status = httpError.status ?? httpError.statusCode ?? 500;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (httpError.type === 'entity.too.large') {
      graphqlError(res, 413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
    } else if (httpError.type === 'entity.parse.failed') {
      graphqlError(res, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
    } else if (status >= 400 && status < 500 && httpError.expose) {
      graphqlError(res, status, 'BAD_REQUEST', 'The request could not be read');
    } else {
      logger.error({ errorName: error instanceof Error ? error.name : typeof error }, 'unhandled error in an HTTP handler');
      graphqlError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  };
}
