/**
 * Caller trust over real HTTP: the router secret in front of /graphql, and end-user JWTs (a local
 * JWKS) gating the fields that mint media links, with the subject carried into the audit events.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { onServer } from '../support/graphql-client.js';
import { LIKE_MAIN, startSubgraph, type Subgraph } from '../support/subgraph.js';
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider.js';

const ROUTER_SECRET = 'router-secret-for-tests-0123456789';

describe('ROUTER_SECRET', () => {
  let h: Subgraph;
  beforeAll(async () => {
    h = await startSubgraph({ ...LIKE_MAIN, env: { ROUTER_SECRET } });
  });
  afterAll(() => h.close());

  const query = '{ call(callId: "1621413752-2011") { callId } }';

  it('refuses /graphql without the Router-Authorization header (401)', async () => {
    const answer = await h.query(query);
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(answer.data).toBeUndefined();
  });

  it('refuses a wrong secret, including a prefix of the right one (401)', async () => {
    expect((await h.query(query, undefined, { 'router-authorization': 'wrong-secret-wrong-secret' })).status).toBe(401);
    expect((await h.query(query, undefined, { 'router-authorization': ROUTER_SECRET.slice(0, -1) })).status).toBe(401);
    expect((await h.query(query, undefined, { 'router-authorization': ROUTER_SECRET + 'x' })).status).toBe(401);
  });

  it('answers with the right secret (200)', async () => {
    const answer = await h.query(query, undefined, { 'router-authorization': ROUTER_SECRET });
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ call: { callId: '1621413752-2011' } });
  });

  it('leaves the operator endpoints and the media route to their own rules', async () => {
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
    // A media link is its own credential: a browser cannot add the router's header.
    expect((await fetch(`${h.server.url}/media/not-a-link`)).status).toBe(403);
  });
});

describe('end-user JWT (JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE)', () => {
  let idp: TestIdentityProvider;
  let h: Subgraph;
  let fileName: string;
  let indexName: string;

  beforeAll(async () => {
    idp = await startIdentityProvider();
    h = await startSubgraph({
      ...LIKE_MAIN,
      env: { JWT_JWKS_URL: idp.jwksUrl, JWT_ISSUER: idp.issuer, JWT_AUDIENCE: idp.audience },
    });
    fileName = h.sim.samples.recordings[0]!;
    indexName = h.sim.samples.agentOperationIndexes[0]!;
  });
  afterAll(async () => {
    await h.close();
    await idp.close();
  });

  const linksAndData = () => `{
    recording(fileName: "${fileName}") { fileName download { url fileName } }
    agentOperationIndex(fileName: "${indexName}") { fileName operations(first: 2) { totalCount } }
  }`;

  function codeAt(answer: { errors?: Array<{ path?: Array<string | number>; extensions?: Record<string, unknown> }> }, path: string) {
    return answer.errors?.find((error) => error.path?.join('.') === path)?.extensions?.code;
  }

  it('mints links for a valid token with the required scope (recordings:read by default)', async () => {
    const token = await idp.sign({ sub: 'alice@example.com', scope: 'profile recordings:read' });
    const answer = await h.query(linksAndData(), undefined, { authorization: `Bearer ${token}` });
    expect(answer.errors).toBeUndefined();
    const recording = answer.data?.recording as { download: { url: string } };
    expect(recording.download.url).toMatch(/\/media\//);
  });

  it('accepts the scope in an `scp` array too', async () => {
    const token = await idp.sign({ sub: 'svc-reporting', scp: ['recordings:read'] });
    const answer = await h.query(linksAndData(), undefined, { authorization: `Bearer ${token}` });
    expect(answer.errors).toBeUndefined();
  });

  it('answers FORBIDDEN on link fields without the scope, while other fields answer', async () => {
    const token = await idp.sign({ sub: 'bob@example.com', scope: 'profile' });
    const answer = await h.query(linksAndData(), undefined, { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(200);
    expect(codeAt(answer, 'recording.download')).toBe('FORBIDDEN');
    expect(answer.data?.recording).toEqual({ fileName, download: null });
    expect(answer.data?.agentOperationIndex).toEqual({ fileName: indexName, operations: { totalCount: expect.any(Number) } });
  });

  it('refuses the playback grant (a CC token is a credential too) without the scope, before any upstream call', async () => {
    const token = await idp.sign({ sub: 'bob@example.com', scope: 'profile' });
    const before = h.sim.counters.calls.requestPlayVoice;
    const answer = await h.query(`{ recording(fileName: "${fileName}") { fileName playback { token } } }`, undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(codeAt(answer, 'recording.playback')).toBe('FORBIDDEN');
    expect(answer.data?.recording).toEqual({ fileName, playback: null });
    expect(h.sim.counters.calls.requestPlayVoice).toBe(before);
  });

  it('answers UNAUTHENTICATED on link fields without a token, while other fields answer', async () => {
    const answer = await h.query(linksAndData());
    expect(codeAt(answer, 'recording.download')).toBe('UNAUTHENTICATED');
    expect((answer.data?.recording as { fileName: string }).fileName).toBe(fileName);
    expect(answer.data?.agentOperationIndex).not.toBeNull();
  });

  it.each([
    ['signed by a key the JWKS does not publish', { unpublishedKey: true }],
    ['from another issuer', { issuer: 'https://evil.example.com/' }],
    ['for another audience', { audience: 'another-api' }],
    ['expired', { expiresIn: Math.floor(Date.now() / 1000) - 3600 }],
  ])('answers UNAUTHENTICATED on link fields for a token %s', async (_label, options) => {
    const token = await idp.sign({ sub: 'mallory', scope: 'recordings:read' }, options);
    const answer = await h.query(linksAndData(), undefined, { authorization: `Bearer ${token}` });
    expect(codeAt(answer, 'recording.download')).toBe('UNAUTHENTICATED');
    expect(answer.data?.agentOperationIndex).not.toBeNull();
  });

  it('puts the subject that minted a link into the audit event of its use', async () => {
    const token = await idp.sign({ sub: 'carol@example.com', scope: 'recordings:read' });
    const answer = await h.query(`{ recording(fileName: "${fileName}") { download { url } } }`, undefined, {
      authorization: `Bearer ${token}`,
    });
    const url = (answer.data?.recording as { download: { url: string } }).download.url;
    const media = await fetch(onServer(url, h.server.url));
    expect(media.status).toBe(200);
    await media.arrayBuffer();
    const audit = () => h.logs.lines().find((line) => line.msg === 'media access' && line.subject === 'carol@example.com');
    await eventually(() => audit() !== undefined);
    expect(audit()).toMatchObject({ event: 'media.access', status: 200, completed: true, subject: 'carol@example.com', linkId: expect.any(String) });
    // The bearer token is in no log line.
    expect(h.logs.text).not.toContain(token);
  });

  it('fetched the JWKS once for all these tokens (jose caches it)', () => {
    expect(idp.jwksRequests()).toBe(1);
  });
});
