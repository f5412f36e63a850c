/**
 * What an operator sees: JSON logs without secrets and with a request id from `traceparent`,
 * Prometheus metrics at /metrics, and /healthz and /readyz.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkReadiness } from '../../src/http/readiness.js';
import { eventually } from '../support/eventually.js';
import { onServer } from '../support/graphql-client.js';
import { LIKE_MAIN, startSubgraph, type Subgraph } from '../support/subgraph.js';

const ROUTER_SECRET = 'router-secret-for-log-tests-42424242';
const BEARER = 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJsb2ctdGVzdCJ9.c2lnbmF0dXJl';
const SECRET_KEYS = /^(authorization|router-authorization|cookie|guid|set-guid|token|secret|secretkey|password|key|url|link)$/i;

/** Every field named like a secret anywhere in the line holds the censor, never a value. */
function unredactedSecretFields(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (SECRET_KEYS.test(key) && child !== '[redacted]') found.push(`${path}${key}`);
    found.push(...unredactedSecretFields(child, `${path}${key}.`));
  }
  return found;
}

describe('logs, request ids and metrics', () => {
  let h: Subgraph;
  let playback: { token: string; url: string };
  let downloadUrl: string;
  let traceparentAnswer: string | null;
  const callerTrace = '0af7651916cd43dd8448eb211c80319c';

  beforeAll(async () => {
    h = await startSubgraph({ ...LIKE_MAIN, env: { ROUTER_SECRET } });
    const fileName = h.sim.samples.recordings[0]!;
    const answer = await h.query(`{ recording(fileName: "${fileName}") { playback { token url } download { url } } }`, undefined, {
      'router-authorization': ROUTER_SECRET,
      authorization: BEARER,
      cookie: 'session=cookie-value-123',
      traceparent: `00-${callerTrace}-b7ad6b7169203331-01`,
    });
    traceparentAnswer = answer.headers.get('traceparent');
    const recording = answer.data?.recording as { playback: { token: string; url: string }; download: { url: string } };
    playback = recording.playback;
    downloadUrl = recording.download.url;
    for (const url of [playback.url, downloadUrl]) {
      const media = await fetch(onServer(url, h.server.url), { headers: { authorization: BEARER } });
      expect(media.status).toBe(200);
      await media.arrayBuffer();
    }
    expect((await fetch(`${h.server.url}/media/AQJrMR45-forged-link`)).status).toBe(403);
    await eventually(() => h.logs.lines().filter((line) => line.msg === 'media access').length >= 3);
  });
  afterAll(() => h.close());

  it('keeps secrets, tokens and links out of the log lines', () => {
    const text = h.logs.text;
    expect(text.length).toBeGreaterThan(0);
    const forbidden = [
      ROUTER_SECRET,
      BEARER.slice('Bearer '.length),
      'cookie-value-123',
      playback.token,
      new URL(playback.url).pathname,
      new URL(downloadUrl).pathname,
      h.config.ccfs!.secretKey,
      h.config.gateway!.password,
      h.config.mediaLinkKeys[0]!.key.toString('base64'),
    ];
    for (const secret of forbidden) expect(text).not.toContain(secret);
    for (const line of h.logs.lines()) expect(unredactedSecretFields(line)).toEqual([]);
  });

  it('logs each request once, with a route label instead of its path', () => {
    const requests = h.logs.lines().filter((line) => line.msg === 'request');
    expect(requests.map((line) => line.route)).toEqual(expect.arrayContaining(['/graphql', '/media']));
    for (const line of requests) expect(line).not.toHaveProperty('path');
  });

  it("continues the caller's trace: same trace id, this server's own span id", () => {
    expect(traceparentAnswer).toMatch(new RegExp(`^00-${callerTrace}-[0-9a-f]{16}-01$`));
    expect(traceparentAnswer).not.toContain('b7ad6b7169203331');
    const graphqlLine = h.logs.lines().find((line) => line.msg === 'request' && line.route === '/graphql');
    expect(graphqlLine?.requestId).toBe(callerTrace);
  });

  it('names the request in lines written while serving it (request id from AsyncLocalStorage)', () => {
    const mediaAccess = h.logs.lines().filter((line) => line.msg === 'media access');
    expect(mediaAccess.length).toBeGreaterThanOrEqual(3);
    for (const line of mediaAccess) expect(line.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('names the request in the log line of a CC failure in a GraphQL answer', async () => {
    const trace = '5bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await h.query('{ recording(fileName: "Y:/1/0/20180309/108/no-such-file.V3") { playback { token } } }', {}, {
      'router-authorization': ROUTER_SECRET,
      traceparent: `00-${trace}-00f067aa0ba902b7-01`,
    });
    expect(answer.errors?.[0]?.extensions?.code).toBe('CC_FILE_NOT_FOUND');
    const line = h.logs.lines().find((l) => l.msg === 'CC call failed' && l.requestId === trace);
    expect(line).toMatchObject({ level: 30, err: { kind: 'not_found' } });
  });

  it.each([
    ['no traceparent', undefined],
    ['a malformed traceparent', '00-not-a-trace-01'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-b7ad6b7169203331-01`],
  ])('starts a new trace for %s', async (_label, header) => {
    const response = await fetch(`${h.server.url}/healthz`, header === undefined ? {} : { headers: { traceparent: header } });
    const traceparent = response.headers.get('traceparent');
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    expect(traceparent).not.toMatch(/^00-0{32}-/);
    expect(response.headers.get('x-request-id')).toBe(traceparent!.split('-')[1]);
  });

  it('serves the named metrics at /metrics in the Prometheus text format', async () => {
    const response = await fetch(`${h.server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      'cc_upstream_request_duration_seconds_bucket{',
      'graphql_loader_batch_size_bucket{',
      'playback_token_cache_total{outcome="miss"}',
      'media_active_streams',
      'media_bytes_streamed_total{',
      'media_link_rejections_total{reason="invalid"} 1',
      'cc_agent_session_signed_in 1',
      'cc_agent_guid_rotations_total',
      'http_request_duration_seconds_bucket{',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/http_request_duration_seconds_count\{route="\/media",method="GET",status="200"\} 2/);
  });
});

describe('/healthz and /readyz', () => {
  it('is alive and ready when CC-FS answers and the agent is signed in', async () => {
    const h = await startSubgraph(LIKE_MAIN);
    try {
      const health = await fetch(`${h.server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${h.server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { config: 'ok', ccfs: 'ok', agentSession: 'ok', shutdown: 'ok' },
      });
    } finally {
      await h.close();
    }
  });

  it('is alive but not ready while CC-FS is unreachable', async () => {
    const h = await startSubgraph({ ...LIKE_MAIN, unreachableCcfs: true });
    try {
      expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${h.server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { ccfs: 'failing', agentSession: 'ok' } });
    } finally {
      await h.close();
    }
  });

  it('is not ready before the service agent signed in, nor when its sign-in is refused', async () => {
    const notStarted = await startSubgraph({ ...LIKE_MAIN, session: 'wired' });
    try {
      const ready = await fetch(`${notStarted.server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { ccfs: 'ok', agentSession: 'failing' } });
    } finally {
      await notStarted.close();
    }
    const refused = await startSubgraph({ ...LIKE_MAIN, env: { CC_GATEWAY_PASSWORD: 'not-the-password' } });
    try {
      const ready = await fetch(`${refused.server.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = await ready.text();
      expect(JSON.parse(body)).toMatchObject({ checks: { agentSession: 'failing' } });
      expect(body).not.toContain('not-the-password');
    } finally {
      await refused.close();
    }
  });

  it('is not ready once shutdown began, whatever the other checks say', async () => {
    const report = await checkReadiness({ ccfsReachable: async () => true, agentSignedIn: () => true, shuttingDown: () => true });
    expect(report).toEqual({ ready: false, checks: { config: 'ok', ccfs: 'ok', agentSession: 'ok', shutdown: 'failing' } });
  });

  it('does not ask for an agent session when no gateway is configured', async () => {
    const h = await startSubgraph({ ...LIKE_MAIN, env: { CC_GATEWAY_BASE_URL: '' } });
    try {
      const ready = await fetch(`${h.server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ checks: { agentSession: 'not_configured' } });
    } finally {
      await h.close();
    }
  });
});
