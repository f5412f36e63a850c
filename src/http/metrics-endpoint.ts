/** GET /metrics: the Prometheus text exposition of this server's registry (prom-client). */
import type { Request, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';

export function metricsEndpoint(registry: Registry): RequestHandler {
  return async (_req: Request, res: Response) => {
    res.setHeader('content-type', registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.send(await registry.metrics());
  };
}
