/**
 * POST /cc/callback over real HTTP on both databases (contract 1c): a good callback is stored and
 * answered 200 (again harmlessly), an unknown file changes nothing, bad signatures are 401 with
 * nothing recorded, bad bodies 400, big bodies 413; readyAt comes from the callback or a first
 * download and never moves earlier; neither the Authorization header nor the body is logged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DATABASE_KINDS, testDatabases } from '../support/databases.js';
import { startIngestionStack, type IngestionStack } from '../support/ingestion-stack.js';
import { signAuthV2, utcSeconds } from '../simulator/test-signer.js';
import { counterValue } from './helpers.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

const KEYS = { accessKey: 'cb-ak', secretKey: 'cb-sk-7f3a9c21' };

interface PostOptions {
  accessKey?: string;
  secretKey?: string;
  timestamp?: string;
  signedHeaders?: string[];
  query?: Record<string, string>;
  rawBody?: string;
  /** Change the sent headers after signing. */
  tamper?: (headers: Record<string, string>) => void;
  unsigned?: boolean;
}

function envelope(msgBody: Record<string, unknown>): string {
  return JSON.stringify({ request: { version: '2.0' }, msgBody });
}

async function postCallback(stack: IngestionStack, msgBody: Record<string, unknown>, options: PostOptions = {}): Promise<Response> {
  const url = new URL(stack.server.url);
  const body = options.rawBody ?? envelope(msgBody);
  const query = options.query ?? {};
  const search = new URLSearchParams(query).toString();
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/json;charset=UTF-8',
    'content-length': String(Buffer.byteLength(body)),
  };
  const sent: Record<string, string> = { ...headers };
  if (!options.unsigned) {
    sent['authorization'] = signAuthV2({
      accessKey: options.accessKey ?? KEYS.accessKey,
      secretKey: options.secretKey ?? KEYS.secretKey,
      method: 'POST',
      path: '/cc/callback',
      headers,
      body,
      query,
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
      ...(options.signedHeaders === undefined ? {} : { signedHeaders: options.signedHeaders }),
    });
  }
  options.tamper?.(sent);
  return fetch(`${stack.server.url}/cc/callback${search === '' ? '' : `?${search}`}`, { method: 'POST', headers: sent, body });
}

async function inbox(stack: IngestionStack) {
  return stack.handle.reader.selectFrom('callback_inbox').selectAll().execute();
}

async function readyAt(stack: IngestionStack, fileName: string): Promise<number | null | undefined> {
  return (await stack.handle.reader.selectFrom('export_file').select('ready_at').where('file_name', '=', fileName).executeTakeFirst())?.ready_at;
}

describe.each(DATABASE_KINDS)('POST /cc/callback on %s', (kind) => {
  let stack: IngestionStack;
  beforeAll(async () => {
    stack = await startIngestionStack({
      database: await databases.fresh(kind),
      env: { CC_CALLBACK_AK: KEYS.accessKey, CC_CALLBACK_SK: KEYS.secretKey, RECORDING_INDEX_INTERVAL_SECONDS: '0' },
      start: false,
    });
    // Only the callbacks this test sends arrive.
    stack.sim.injectExport({ type: 'noCallback' }, { times: Infinity });
  });
  afterAll(() => stack.close());

  async function requested(): Promise<string> {
    const now = Date.now();
    const { fileName } = await stack.ingestion.requestAgentOperationIndex({ from: new Date(now - 3600_000), to: new Date(now), agentId: '101' });
    return fileName;
  }

  it('stores a callback for a file it asked for: 200, readyAt from the callback, the same callback again harmless', async () => {
    const fileName = await requested();
    expect(await readyAt(stack, fileName)).toBeNull();
    const before = Date.now();
    const answer = await postCallback(stack, { responseId: 'x', agentOprInfoFileName: fileName });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ resultCode: '0', resultDesc: 'success' });
    const first = await readyAt(stack, fileName);
    expect(first).toBeGreaterThanOrEqual(before);

    const again = await postCallback(stack, { agentOprInfoFileName: fileName });
    expect(again.status).toBe(200);
    expect(await readyAt(stack, fileName)).toBe(first);
    expect((await inbox(stack)).filter((row) => row.file_name === fileName)).toHaveLength(1);
  });

  it('answers a callback for a file it did not ask for, and changes nothing', async () => {
    const stranger = '20261120_0123456789abcdef0123456789abcdef.zip';
    const filesBefore = await stack.handle.reader.selectFrom('export_file').selectAll().execute();
    const answer = await postCallback(stack, { billFileName: stranger });
    expect(answer.status).toBe(200);
    expect(await stack.handle.reader.selectFrom('export_file').selectAll().execute()).toEqual(filesBefore);
    expect(await counterValue(stack.metrics.ccCallbacks, { result: 'unknown_file' })).toBeGreaterThan(0);
  });

  it('takes a first successful download as readyAt when no callback came; a later callback does not move it', async () => {
    const fileName = await requested();
    const before = Date.now();
    await stack.ingestion.recordAgentOperationIndexDownloaded(fileName);
    const ready = await readyAt(stack, fileName);
    expect(ready).toBeGreaterThanOrEqual(before);
    await postCallback(stack, { agentOprInfoFileName: fileName });
    expect(await readyAt(stack, fileName)).toBe(ready);
  });

  it('accepts a timestamp with milliseconds and a callBackURL with a query string', async () => {
    const fileName = await requested();
    const answer = await postCallback(stack, { agentOprInfoFileName: fileName }, { timestamp: new Date().toISOString(), query: { tenant: 'a b/c' } });
    expect(answer.status).toBe(200);
    expect(await readyAt(stack, fileName)).not.toBeNull();
  });

  it.each<[string, PostOptions]>([
    ['no Authorization', { unsigned: true }],
    ['a wrong secret key', { secretKey: 'not-the-secret' }],
    ['another access key', { accessKey: 'someone-else' }],
    ['a timestamp 20 minutes old', { timestamp: utcSeconds(new Date(Date.now() - 20 * 60_000)) }],
    ['a timestamp 20 minutes ahead', { timestamp: utcSeconds(new Date(Date.now() + 20 * 60_000)) }],
    ['signed headers without host', { signedHeaders: ['content-length', 'content-type'] }],
    ['a signed header the request lacks', { signedHeaders: ['host', 'x-cc-extra'] }],
    ['a body changed after signing', { tamper: (h) => void (h['content-type'] = 'application/json') }],
    ['a malformed Authorization', { tamper: (h) => void (h['authorization'] = 'auth-v2/cb-ak/yesterday/host/zz') }],
  ])('refuses %s with 401 and records nothing', async (_what, options) => {
    const fileName = await requested();
    const inboxBefore = (await inbox(stack)).length;
    const answer = await postCallback(stack, { agentOprInfoFileName: fileName }, options);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toMatch(/json/);
    expect(await answer.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    expect(await readyAt(stack, fileName)).toBeNull();
    expect((await inbox(stack)).length).toBe(inboxBefore);
  });

  it.each<[string, string]>([
    ['a body that is not JSON', 'not json {'],
    ['a body without file names', envelope({ responseId: 'abc' })],
    ['a file name of the wrong form', envelope({ billFileName: '../../etc/passwd.zip' })],
    ['a file name with an impossible date', envelope({ billFileName: '20261399_0123456789abcdef0123456789abcdef.zip' })],
    ['a file name that is not a string', envelope({ agentOprInfoFileName: 42 })],
  ])('refuses %s (signed) with 400 and records nothing', async (_what, rawBody) => {
    const inboxBefore = (await inbox(stack)).length;
    const answer = await postCallback(stack, {}, { rawBody });
    expect(answer.status).toBe(400);
    expect((await answer.json()) as unknown).toEqual({ error: { code: 'BAD_REQUEST', message: expect.any(String) } });
    expect((await inbox(stack)).length).toBe(inboxBefore);
  });

  it('refuses a body over 64 KiB with 413, by its Content-Length or as it streams in', async () => {
    const big = envelope({ billFileName: '20261120_0123456789abcdef0123456789abcdef.zip', padding: 'p'.repeat(70 * 1024) });
    expect((await postCallback(stack, {}, { rawBody: big })).status).toBe(413);

    // No Content-Length (chunked): refused once more than 64 KiB arrived.
    const chunks = [Buffer.alloc(40 * 1024, 0x20), Buffer.alloc(40 * 1024, 0x20), Buffer.alloc(40 * 1024, 0x20)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const chunked = await fetch(`${stack.server.url}/cc/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await counterValue(stack.metrics.ccCallbacks, { result: 'too_large' })).toBe(2);
  });

  it('never logs the Authorization header or the body', async () => {
    const fileName = await requested();
    await postCallback(stack, { agentOprInfoFileName: fileName, secretMarker: 'body-marker-5d1c' });
    await postCallback(stack, { agentOprInfoFileName: fileName }, { secretKey: 'wrong' });
    const logged = stack.logs.text;
    expect(logged).toContain('CC-FS callback');
    expect(logged).toContain('"route":"/cc/callback"');
    expect(logged).not.toMatch(/auth-v2\/|body-marker-5d1c|cb-sk-7f3a9c21|secretMarker/);
  });
});
