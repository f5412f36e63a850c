/**
 * The GraphQL body reader against express.json (body-parser), side by side over raw HTTP: for each
 * request both servers must end the same way (the parsed body, or the same error type and status),
 * and a connection stays usable after a refused body.
 */
import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { jsonBody, type BodiedRequest, type BodyReader } from '../../src/http/json-body.js';

const LIMIT = 1024;

/** A server that answers what its reader made of the body: `{ body }` or `{ error: { type, status } }`. */
async function serverWith(reader: BodyReader): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req: BodiedRequest, res) => {
    reader(req, res, (error?: unknown) => {
      const failure = error as { type?: string; status?: number } | undefined;
      const answer = failure === undefined ? { body: req.body ?? null } : { error: { type: failure.type, status: failure.status } };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends raw request bytes (twice on one connection when `twice`) and returns the answer bodies. */
function raw(port: number, request: Buffer, twice = false): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const answers = () => [...received.matchAll(/\r\n\r\n(\{.*?\})(?=HTTP\/1\.1|$)/gs)].map((m) => m[1]!);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (answers().length === (twice ? 2 : 1)) {
        socket.destroy();
        resolve(answers());
      }
    });
    socket.on('error', reject);
    socket.setTimeout(5_000, () => {
      socket.destroy();
      reject(new Error(`no complete answer; received: ${received.slice(0, 200)}`));
    });
    socket.write(request);
    if (twice) socket.write(request);
  });
}

function post(body: Buffer | string, headers: Record<string, string | number>): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = ['POST /graphql HTTP/1.1', 'host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload]);
}

const json = (body: Buffer | string, extra: Record<string, string | number> = {}) =>
  post(body, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra });

describe('GraphQL body reader', () => {
  let ours: Awaited<ReturnType<typeof serverWith>>;
  let reference: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => {
    ours = await serverWith(jsonBody(LIMIT));
    reference = await serverWith(express.json({ limit: LIMIT }) as unknown as BodyReader);
  });
  afterAll(async () => {
    await ours.close();
    await reference.close();
  });

  const cases: Array<[string, Buffer]> = [
    ['an object', json('{"query":"{ __typename }","variables":{"a":[1,2]}}')],
    ['an array (batch)', json('[{"query":"{ a }"},{"query":"{ b }"}]')],
    ['charset=utf-8 and spaces', json(' {"query":"ü"} ', { 'content-type': 'application/json; charset=utf-8' })],
    ['a byte order mark', json('\uFEFF{"query":"{ a }"}')],
    ['an empty body', json('')],
    ['a JSON string (strict: refused)', json('"{ a }"')],
    ['malformed JSON', json('{"query": ')],
    ['a body over the limit (declared)', json(`{"query":"${'x'.repeat(LIMIT)}"}`)],
    ['a chunked body over the limit', post(`${(LIMIT + 20).toString(16)}\r\n{"q":"${'x'.repeat(LIMIT + 12)}"}\r\n0\r\n\r\n`, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })],
    ['a chunked body', post('f\r\n{"query":"{a}"}\r\n0\r\n\r\n', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })],
    ['a gzip body', json(gzipSync('{"query":"{ zipped }"}'), { 'content-encoding': 'gzip' })],
    ['charset=utf-16le', json(Buffer.from('{"query":"{ a }"}', 'utf16le'), { 'content-type': 'application/json; charset=utf-16le' })],
    ['charset=latin1 (refused)', json('{"query":"{ a }"}', { 'content-type': 'application/json; charset=latin1' })],
    ['text/plain (left alone)', post('{"query":"{ a }"}', { 'content-type': 'text/plain', 'content-length': 15 })],
    ['no content type', post('{"query":"{ a }"}', { 'content-length': 15 })],
  ];

  it.each(cases)('reads %s as express.json does', async (_label, request) => {
    const [mine] = await raw(ours.port, request);
    const [theirs] = await raw(reference.port, request);
    expect(JSON.parse(mine!)).toEqual(JSON.parse(theirs!));
  });

  it('reads the object the router sends', async () => {
    const [answer] = await raw(ours.port, json('{"query":"{ __typename }"}'));
    expect(JSON.parse(answer!)).toEqual({ body: { query: '{ __typename }' } });
  });

  it('keeps the connection usable after refusing a body', async () => {
    const answers = await raw(ours.port, json(`{"query":"${'x'.repeat(LIMIT)}"}`), true);
    expect(answers.map((a) => JSON.parse(a))).toEqual([
      { error: { type: 'entity.too.large', status: 413 } },
      { error: { type: 'entity.too.large', status: 413 } },
    ]);
  });
});
