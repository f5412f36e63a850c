/**
 * NODE_ENV=production hardening over HTTP: no introspection or Sandbox unless enabled, Studio
 * Explorer for APOLLO_GRAPH_REF, depth and size limits, a body limit, and errors without stacks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LIKE_MAIN, startSubgraph, type Subgraph } from '../support/subgraph.js';

const INTROSPECTION = '{ __schema { queryType { name } } }';

/** Apollo's offline fallback block (the `<div class="fallback">` shown when Sandbox/Explorer do not load). */
function fallbackBlock(html: string): string {
  const start = html.indexOf('<div class="fallback">');
  expect(start).toBeGreaterThanOrEqual(0);
  // The block ends where Apollo's own markup goes on (its <style> or the embed target).
  const end = html.indexOf('</div>\n<style', start);
  return html.slice(start, end === -1 ? undefined : end);
}

async function landingPage(h: Subgraph): Promise<{ status: number; html: string }> {
  const response = await fetch(h.server.graphqlUrl, { headers: { accept: 'text/html' } });
  return { status: response.status, html: await response.text() };
}

describe('NODE_ENV=production', () => {
  let h: Subgraph;
  beforeAll(async () => {
    h = await startSubgraph({ ...LIKE_MAIN, env: { NODE_ENV: 'production', GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_QUERY_BYTES: '2048', GRAPHQL_MAX_BODY_BYTES: '4096' } });
  });
  afterAll(() => h.close());

  it('refuses introspection, but still serves _service { sdl } to the router', async () => {
    const refused = await h.query(INTROSPECTION);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const sdl = await h.query('{ _service { sdl } }');
    expect((sdl.data?._service as { sdl: string }).sdl).toContain('type Recording');
  });

  it('marks every GraphQL answer uncacheable: answers carry tokens and links', async () => {
    const answer = await h.query(`{ recording(fileName: "${h.sim.samples.recordings[0]}") { playback { token } } }`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect((await h.query(INTROSPECTION)).headers.get('cache-control')).toBe('no-store');
  });

  it('answers CORS for an allowed browser origin (preflight included) and for nobody else', async () => {
    const studio = 'https://studio.apollographql.com';
    const preflight = await fetch(h.server.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: studio, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(studio);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const post = (origin?: string) =>
      fetch(h.server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(origin === undefined ? {} : { origin }) },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const fromStudio = await post(studio);
    expect(fromStudio.status).toBe(200);
    expect(fromStudio.headers.get('access-control-allow-origin')).toBe(studio);
    const fromElsewhere = await post('https://evil.example.com');
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
    const withoutOrigin = await post();
    expect(withoutOrigin.status).toBe(200);
    expect(withoutOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves no Sandbox landing page', async () => {
    const page = await landingPage(h);
    expect(page.html).not.toContain('new window.EmbeddedSandbox');
  });

  it('refuses operations nested deeper than GRAPHQL_MAX_DEPTH, fragments included', async () => {
    const fileName = h.sim.samples.agentOperationIndexes[0]!;
    const shallow = `{ agentOperationIndex(fileName: "${fileName}") { operations(first: 1) { totalCount } } }`;
    expect((await h.query(shallow)).errors).toBeUndefined();
    const deep = `query Deep { agentOperationIndex(fileName: "${fileName}") { ...Ops } }
      fragment Ops on AgentOperationIndex { operations(first: 1) { totalCount pageInfo { endCursor } } }`;
    const refused = await h.query(deep);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]).toMatchObject({
      message: "'Deep' is nested 4 levels deep; at most 3 are allowed",
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('refuses a GraphQL document over GRAPHQL_MAX_QUERY_BYTES before parsing it', async () => {
    const padding = ' '.repeat(2100);
    const answer = await h.query(`{ call(callId: "1") { callId } ${padding}}`);
    expect(answer.status).toBe(400);
    expect(answer.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_LARGE');
  });

  it('refuses a body over GRAPHQL_MAX_BODY_BYTES (413) and malformed JSON (400), without stack traces', async () => {
    const big = await fetch(h.server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ call(callId: "1") { callId } }', variables: { pad: 'x'.repeat(5000) } }),
    });
    expect(big.status).toBe(413);
    const bigText = await big.text();
    expect(JSON.parse(bigText)).toEqual({ errors: [{ message: 'The request body is too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });

    const malformed = await fetch(h.server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(malformed.status).toBe(400);
    const malformedText = await malformed.text();
    expect(malformedText).not.toMatch(/at [\w.<>]+ \(|node_modules|stacktrace/i);
  });

  it('sends no stack trace with a GraphQL error', async () => {
    const answer = await h.query('{ recording(fileName: "") { fileName } }');
    expect(answer.errors?.length).toBeGreaterThan(0);
    expect(JSON.stringify(answer.errors)).not.toMatch(/stacktrace|node_modules|\.ts:\d+/);
  });
});

describe('NODE_ENV=production with the switches on', () => {
  let h: Subgraph;
  beforeAll(async () => {
    h = await startSubgraph({ ...LIKE_MAIN, env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', APOLLO_GRAPH_REF: 'cc-supergraph@production' } });
  });
  afterAll(() => h.close());

  it('answers introspection when GRAPHQL_INTROSPECTION=true', async () => {
    const answer = await h.query(INTROSPECTION);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('embeds Studio Explorer for APOLLO_GRAPH_REF as the landing page', async () => {
    const page = await landingPage(h);
    expect(page.status).toBe(200);
    expect(page.html).toContain('new window.EmbeddedExplorer');
    expect(page.html).toContain('cc-supergraph@production');
    // Offline, Apollo's fallback text says how to query without Explorer.
    expect(fallbackBlock(page.html)).toContain('curl -s http://localhost:0/graphql');
  });
});

describe('outside production', () => {
  it('serves the Sandbox and introspection by default, and neither when switched off', async () => {
    const dev = await startSubgraph({ ...LIKE_MAIN, env: { NODE_ENV: 'development' } });
    try {
      const sandbox = (await landingPage(dev)).html;
      expect(sandbox).toContain('new window.EmbeddedSandbox');
      // What shows when the Sandbox cannot load (offline): Apollo's line, then how to query without it.
      const fallback = fallbackBlock(sandbox);
      expect(fallback).toContain('cannot be loaded');
      expect(fallback).toContain(
        `curl -s http://localhost:0/graphql -H 'content-type: application/json' -d '{&quot;query&quot;:&quot;{ _service { sdl } }&quot;}'`,
      );
      expect(fallback).toContain('https://studio.apollographql.com/sandbox/explorer');
      expect((await dev.query(INTROSPECTION)).errors).toBeUndefined();
    } finally {
      await dev.close();
    }
    const off = await startSubgraph({ ...LIKE_MAIN, env: { NODE_ENV: 'development', GRAPHQL_SANDBOX: 'false', GRAPHQL_INTROSPECTION: 'false' } });
    try {
      expect((await landingPage(off)).html).not.toContain('new window.EmbeddedSandbox');
      expect((await off.query(INTROSPECTION)).status).toBe(400);
    } finally {
      await off.close();
    }
  });
});
