/**
 * Per request: a request id (the W3C trace id, taken from the caller's `traceparent` or new), this
 * server's `traceparent` on the response, the request context kept with the response for the
 * handlers (request-context.ts), and one access-log line plus an HTTP duration sample when the
 * response ends.
 *
 * The access log names a route label, never the path: a media link's path is its signed token.
 * `trackRequest` works on node:http's own objects (the /graphql endpoint is served without express);
 * `requestId` is the same as express middleware for every other route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { attachRequestContext, type RequestContext } from '../observability/request-context.js';
import { childTraceParent, formatTraceParent, parseTraceParent } from './traceparent.js';

const OPERATOR_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** A low-cardinality, secret-free name for the request's route. */
export function routeLabel(path: string): string {
  if (path === '/graphql' || path.startsWith('/graphql/')) return '/graphql';
  if (path.startsWith('/media/')) return '/media';
  if (path === '/cc/callback') return path;
  if (OPERATOR_ROUTES.has(path)) return path;
  return 'other';
}

export interface RequestTracking {
  /** Starts tracking one request: headers set, access log and duration sample on close. */
  (req: IncomingMessage, res: ServerResponse, route: string): RequestContext;
}

export function createRequestTracking(options: { logger: Logger; metrics: Metrics }): RequestTracking {
  const { logger, metrics } = options;
  // The labelled histogram child of each (route, method, status), looked up once instead of per request.
  const durations = new Map<string, { observe(seconds: number): void }>();
  const durationOf = (route: string, method: string, status: string) => {
    const key = `${route} ${method} ${status}`;
    let child = durations.get(key);
    if (child === undefined) {
      child = metrics.httpDuration.labels({ route, method, status });
      durations.set(key, child);
    }
    return child;
  };

  return (req, res, route) => {
    const trace = childTraceParent(parseTraceParent(req.headers.traceparent));
    const traceparent = formatTraceParent(trace);
    res.setHeader('traceparent', traceparent);
    res.setHeader('x-request-id', trace.traceId);

    const started = process.hrtime.bigint();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client left first
      const method = req.method ?? 'GET';
      durationOf(route, method, String(status)).observe(seconds);
      const line = { requestId: trace.traceId, method, route, status, durationMs: Math.round(seconds * 1000) };
      if (OPERATOR_ROUTES.has(route)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    const context = { requestId: trace.traceId, traceparent };
    attachRequestContext(res, context);
    return context;
  };
}

export function requestId(track: RequestTracking): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    track(req, res, routeLabel(req.path));
    next();
  };
}
