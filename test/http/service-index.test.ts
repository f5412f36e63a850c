/** The server's root and unknown paths point to /graphql instead of Express's "Cannot GET /". */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';

describe('GET /', () => {
  let h: Subgraph;
  beforeAll(async () => {
    h = await startSubgraph();
  });
  afterAll(() => h.close());

  it('answers JSON naming /graphql and the operator endpoints (curl, tools)', async () => {
    const response = await fetch(`${h.server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      service: 'cc-media-subgraph',
      graphql: '/graphql',
      health: '/healthz',
      readiness: '/readyz',
      metrics: '/metrics',
    });
  });

  it('answers a browser with a page that links to /graphql', async () => {
    const response = await fetch(`${h.server.url}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<a href="/graphql">/graphql</a>');
    expect(html).not.toContain('Cannot GET');
  });

  it('answers unknown paths with a JSON 404 that points to /graphql', async () => {
    const response = await fetch(`${h.server.url}/graphq`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No such endpoint; GraphQL is at /graphql' } });
  });
});
