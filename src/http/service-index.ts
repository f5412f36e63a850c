/**
 * What a person finds at the server's root instead of Express's "Cannot GET /": where GraphQL is
 * (and the operator endpoints). A browser gets a small HTML page, anything else JSON. Unknown paths
 * answer a JSON 404 that says the same.
 */
import type { Request, RequestHandler, Response } from 'express';

const ENDPOINTS = {
  graphql: '/graphql',
  health: '/healthz',
  readiness: '/readyz',
  metrics: '/metrics',
} as const;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cc-media-subgraph</title></head>
<body>
<h1>cc-media-subgraph</h1>
<p>An Apollo Federation subgraph for contact-center recordings. GraphQL is at
<a href="${ENDPOINTS.graphql}">${ENDPOINTS.graphql}</a> (open it in a browser for the Apollo Sandbox when it is enabled).</p>
<p>Operators: <a href="${ENDPOINTS.health}">${ENDPOINTS.health}</a>, <a href="${ENDPOINTS.readiness}">${ENDPOINTS.readiness}</a>,
<a href="${ENDPOINTS.metrics}">${ENDPOINTS.metrics}</a>.</p>
</body></html>
`;

export function serviceIndex(): RequestHandler {
  return (req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-store');
    if (req.accepts(['json', 'html']) === 'html') {
      res.type('html').send(PAGE);
      return;
    }
    res.json({ service: 'cc-media-subgraph', ...ENDPOINTS });
  };
}

export function notFound(): RequestHandler {
  return (_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `No such endpoint; GraphQL is at ${ENDPOINTS.graphql}` } });
  };
}
