/**
 * Turns an upstream response into an UpstreamDownload, or a CcError before a single byte is passed on.
 *
 * The platform sends its errors in the body: JSON labelled application/json, and on playVoice JSON
 * labelled application/octet-stream (docs/cc-platform.md §4.2). So after the status line the first bytes
 * are read and checked; a body that starts with `{` is buffered (up to MAX_ERROR_BODY) until it is
 * known to be either a CC error or data.
 *
 * The response itself is handed on as the stream (the bytes read for the check are put back in
 * front), so every further chunk goes from the socket to the consumer without another stage. Its
 * errors are CcErrors: a body cut short of its Content-Length (or of its last chunk) fails the
 * stream with `unavailable`, never ends it early.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { CcError } from './cc-error.js';
import { brokenStreamError, errorFromCcJson, httpStatusError, type Upstream } from './result-codes.js';
import type { UpstreamDownload } from './types.js';

/** Enough for any magic number (RIFF…WAVE, PK, ftyp). */
const HEAD_BYTES = 64;
/** A CC error body is a few hundred bytes; more than this is data that happens to start with `{`. */
const MAX_ERROR_BODY = 64 * 1024;

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

/**
 * Every error the response emits from here on is a CcError (no socket detail beyond its errno
 * code), or the abort reason once the caller aborted; aborting destroys it at once.
 */
function failWithCcErrors(response: IncomingMessage, upstream: Upstream, signal: AbortSignal | undefined): void {
  const destroy = response._destroy.bind(response);
  response._destroy = (error, callback) => {
    const translated = error === null ? null : signal?.aborted ? abortReason(signal) : brokenStreamError(upstream, error);
    destroy(translated instanceof Error || translated === null ? translated : new Error(String(translated)), callback);
  };
  if (signal === undefined) return;
  const onAbort = () => response.destroy(abortReason(signal) as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  response.once('close', () => signal.removeEventListener('abort', onAbort));
}

export function openDownload(response: IncomingMessage, upstream: Upstream, signal: AbortSignal | undefined): Promise<UpstreamDownload> {
  failWithCcErrors(response, upstream, signal);
  return new Promise<UpstreamDownload>((resolve, reject) => {
    let done = false;
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      stop();
      response.destroy();
      reject(signal?.aborted ? abortReason(signal) : error);
    };
    const onAbort = () => fail(abortReason(signal));
    if (signal?.aborted) return onAbort();

    const statusCode = response.statusCode ?? 0;
    const { headers } = response;
    const isSuccess = statusCode >= 200 && statusCode < 300;
    const jsonLabelled = isJsonLabelled(headers);
    const chunks: Buffer[] = [];
    let size = 0;
    let suspicious = jsonLabelled || !isSuccess;

    const finishHead = (ended: boolean) => {
      stop();
      const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
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
      resolve(passOn(response, head, ended, statusCode, headers));
    };

    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size === chunk.length && isSuccess && !jsonLabelled) suspicious = startsLikeJson(chunk);
      const enough = suspicious ? size > MAX_ERROR_BODY : size >= HEAD_BYTES;
      if (enough) {
        response.pause();
        finishHead(false);
      }
    };
    const onEnd = () => finishHead(true);
    const onError = (error: unknown) => fail(error);
    function stop(): void {
      response.removeListener('data', onData);
      response.removeListener('end', onEnd);
      response.removeListener('error', onError);
    }
    response.on('data', onData);
    response.once('end', onEnd);
    // Also an abort while the head is read: failWithCcErrors destroys the response with the reason.
    response.once('error', onError);
  });
}

/** The response with its head bytes put back in front (paused: the consumer pipes or reads it). */
function passOn(response: IncomingMessage, head: Buffer, ended: boolean, statusCode: number, headers: IncomingHttpHeaders): UpstreamDownload {
  let stream: UpstreamDownload['stream'];
  if (ended) {
    stream = new PassThrough().end(head);
  } else {
    if (head.length > 0) response.unshift(head);
    stream = response;
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
