/**
 * Turns a started got stream into an UpstreamDownload, or a CcError before a single byte is passed on.
 *
 * The platform sends its errors in the body: JSON labelled application/json, and on playVoice JSON
 * labelled application/octet-stream (docs/cc-platform.md §4.2). So after the status line the first bytes
 * are read and checked; a body that starts with `{` is buffered (up to MAX_ERROR_BODY) until it is
 * known to be either a CC error or data.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Request } from 'got';
import { CcError } from './cc-error.js';
import { brokenStreamError, errorFromCcJson, httpStatusError, transportError, type Upstream } from './result-codes.js';
import type { UpstreamDownload } from './types.js';

/** Enough for any magic number (RIFF…WAVE, PK, ftyp). */
const HEAD_BYTES = 64;
/** A CC error body is a few hundred bytes; more than this is data that happens to start with `{`. */
const MAX_ERROR_BODY = 64 * 1024;

export interface OpenDownloadHooks {
  upstream: Upstream;
  /** Called once the status line and headers arrived (or the request failed before): frees the slot. */
  onSettled?: () => void;
  /** Sees the headers of every answer, error answers included. */
  onResponseHeaders?: (headers: IncomingHttpHeaders) => void;
  signal?: AbortSignal;
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function isJsonLabelled(headers: IncomingHttpHeaders): boolean {
  return /\bjson\b/i.test(headers['content-type'] ?? '');
}

function startsLikeJson(buffer: Buffer): boolean {
  const text = buffer.subarray(0, 16).toString('latin1').trimStart();
  return text.startsWith('{');
}

function parseJson(buffer: Buffer): unknown {
  try {
    return JSON.parse(buffer.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function openDownload(request: Request, hooks: OpenDownloadHooks): Promise<UpstreamDownload> {
  const { upstream, signal } = hooks;
  return new Promise<UpstreamDownload>((resolve, reject) => {
    let done = false;
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        hooks.onSettled?.();
      }
    };
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      settle();
      request.removeAllListeners('data');
      request.destroy();
      reject(signal?.aborted ? abortReason(signal) : error);
    };

    let answered = false;
    request.once('error', (error) =>
      fail(answered ? brokenStreamError(upstream, error) : transportError(upstream, error)),
    );

    request.once('response', (response: { statusCode: number; headers: IncomingHttpHeaders }) => {
      answered = true;
      settle();
      hooks.onResponseHeaders?.(response.headers);
      const { statusCode, headers } = response;
      const isSuccess = statusCode >= 200 && statusCode < 300;
      const jsonLabelled = isJsonLabelled(headers);
      const chunks: Buffer[] = [];
      let size = 0;
      let suspicious = jsonLabelled || !isSuccess;

      const finishHead = (ended: boolean) => {
        request.removeListener('data', onData);
        request.removeListener('end', onEnd);
        const head = Buffer.concat(chunks, size);
        if (!isSuccess) {
          return fail(httpStatusError(upstream, statusCode, ended ? parseJson(head) : undefined));
        }
        if (suspicious && ended) {
          const body = parseJson(head);
          const ccError = errorFromCcJson(body, statusCode);
          if (ccError) return fail(ccError);
          if (jsonLabelled) {
            const what = ccError === undefined ? 'a JSON success answer' : 'JSON that is no CC answer';
            return fail(new CcError('other', `${upstream} sent ${what} instead of the file`, { httpStatus: statusCode }));
          }
          // Unlabelled data that merely looks like JSON: pass it on.
        } else if (jsonLabelled) {
          return fail(new CcError('other', `${upstream} sent an oversized JSON body instead of the file`, { httpStatus: statusCode }));
        }
        done = true;
        resolve(passOn(request, upstream, head, ended, statusCode, headers));
      };

      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size === chunk.length && isSuccess && !jsonLabelled) suspicious = startsLikeJson(chunk);
        const enough = suspicious ? size > MAX_ERROR_BODY : size >= HEAD_BYTES;
        if (enough) {
          request.pause();
          finishHead(false);
        }
      };
      const onEnd = () => finishHead(true);
      request.on('data', onData);
      request.once('end', onEnd);
    });
  });
}

/** The head bytes first, then the rest of the upstream body; errors and early ends carry over. */
function passOn(
  request: Request,
  upstream: Upstream,
  head: Buffer,
  ended: boolean,
  statusCode: number,
  headers: IncomingHttpHeaders,
): UpstreamDownload {
  const stream = new PassThrough();
  if (head.length > 0) stream.write(head);
  if (ended) {
    stream.end();
  } else {
    // got checks Content-Length and socket aborts itself and emits an error; translate it so that no
    // request options (Authorization, Guid) travel with it.
    request.once('error', (error) => stream.destroy(brokenStreamError(upstream, error)));
    stream.once('close', () => {
      if (!request.readableEnded) request.destroy();
    });
    request.pipe(stream);
  }
  const length = headers['content-length'];
  // Session material of the platform never travels further up (a consumer may copy headers on).
  const { 'set-guid': _guid, 'set-cookie': _cookie, ...safeHeaders } = headers;
  return {
    stream,
    statusCode,
    headers: safeHeaders,
    contentLength: length === undefined || !/^\d+$/.test(length) ? undefined : Number(length),
    contentRange: headers['content-range'],
    head,
  };
}
