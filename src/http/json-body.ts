/**
 * The JSON body of a GraphQL request into `req.body`, with express.json's (body-parser's) rules and
 * errors: no body or not `application/json` → `req.body` stays undefined; over the limit → 413
 * `entity.too.large` (refused from Content-Length before reading); not JSON, or JSON that is not an
 * object or array → 400 `entity.parse.failed`; an empty body → `{}`; a UTF-8 byte order mark is
 * skipped. After an error the rest of the body is read off, so the connection stays usable.
 *
 * What a router sends (uncompressed UTF-8 JSON) is read here directly; anything else (another
 * charset, a compressed body) goes to body-parser itself. The direct path exists because
 * body-parser's general machinery (content-type parsing, type-is, iconv, raw-body) cost several
 * percent of a GraphQL request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';

export type BodiedRequest = IncomingMessage & { body?: unknown };
export type BodyReader = (req: BodiedRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

/** `application/json`, alone or with `charset=utf-8`: the only type a router sends. */
const PLAIN_JSON = /^application\/json[ \t]*(?:;[ \t]*charset[ \t]*=[ \t]*"?utf-8"?[ \t]*)?$/i;

export interface BodyError extends Error {
  status: number;
  statusCode: number;
  type: string;
  expose: true;
}

function bodyError(status: number, type: string, message: string): BodyError {
  return Object.assign(new Error(message), { status, statusCode: status, type, expose: true as const });
}

export function jsonBody(maxBodyBytes: number): BodyReader {
  // express.json is body-parser's json(): connect-style, it needs nothing of express's request.
  const general = express.json({ limit: maxBodyBytes }) as unknown as BodyReader;
  return (req, res, next) => {
    const { headers } = req;
    const encoding = headers['content-encoding'];
    const plain = PLAIN_JSON.test(headers['content-type'] ?? '') && (encoding === undefined || encoding.toLowerCase() === 'identity');
    if (!plain) {
      general(req, res, next);
      return;
    }
    // No body at all (type-is' hasBody): nothing to parse.
    if (headers['transfer-encoding'] === undefined && headers['content-length'] === undefined) {
      next();
      return;
    }
    readJson(req, maxBodyBytes, next);
  };
}

function readJson(req: BodiedRequest, maxBodyBytes: number, next: (error?: unknown) => void): void {
  const declared = req.headers['content-length'] === undefined ? undefined : Number.parseInt(req.headers['content-length'], 10);
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;

  const finish = (error: BodyError | undefined, body?: unknown) => {
    if (settled) return;
    settled = true;
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
    req.removeListener('aborted', onAborted);
    if (error === undefined) {
      req.body = body;
      next();
      return;
    }
    // Read off the rest of the body before answering, as body-parser does.
    if (req.readableEnded || req.destroyed) {
      next(error);
      return;
    }
    req.once('end', () => next(error));
    req.once('error', () => next(error));
    req.resume();
  };

  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBodyBytes) {
      finish(bodyError(413, 'entity.too.large', 'request entity too large'));
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    if (declared !== undefined && !Number.isNaN(declared) && received !== declared) {
      finish(bodyError(400, 'request.size.invalid', 'request size did not match content length'));
      return;
    }
    const text = Buffer.concat(chunks, received).toString('utf8');
    const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (json.length === 0) {
      finish(undefined, {});
      return;
    }
    // Strict, as express.json: only an object or an array.
    const first = /\S/.exec(json)?.[0];
    if (first !== '{' && first !== '[') {
      finish(bodyError(400, 'entity.parse.failed', 'the body is not a JSON object or array'));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(json) as unknown;
    } catch {
      finish(bodyError(400, 'entity.parse.failed', 'the body is not valid JSON'));
      return;
    }
    finish(undefined, body);
  };
  const onError = () => finish(bodyError(400, 'request.aborted', 'request aborted'));
  const onAborted = onError;

  if (declared !== undefined && declared > maxBodyBytes) {
    finish(bodyError(413, 'entity.too.large', 'request entity too large'));
    return;
  }
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('error', onError);
  req.once('aborted', onAborted);
}
