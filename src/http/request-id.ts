/**
 * Per request: a request id (the W3C trace id, taken from the caller's `traceparent` or new), this
 * server's `traceparent` on the response, an AsyncLocalStorage context so every log line names the
 * request, and one access-log line plus an HTTP duration sample when the response ends.
 *
 * The access log names a route label, never the path: a media link's path is its signed token.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { runWithRequestContext } from '../observability/request-context.js';
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

export function requestId(options: { logger: Logger; metrics: Metrics }): RequestHandler {
  const { logger, metrics } = options;
  return (req: Request, res: Response, next: NextFunction) => {
    const trace = childTraceParent(parseTraceParent(req.headers.traceparent));
    const traceparent = formatTraceParent(trace);
    res.setHeader('traceparent', traceparent);
    res.setHeader('x-request-id', trace.traceId);
    res.locals.requestId = trace.traceId;

    const started = process.hrtime.bigint();
    const route = routeLabel(req.path);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client left first
      metrics.httpDuration.observe({ route, method: req.method, status: String(status) }, seconds);
      const line = { requestId: trace.traceId, method: req.method, route, status, durationMs: Math.round(seconds * 1000) };
      if (OPERATOR_ROUTES.has(route)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });

    runWithRequestContext({ requestId: trace.traceId, traceparent }, () => next());
  };
}
