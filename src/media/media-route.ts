/**
 * GET and HEAD /media/{token}: verify the link, open the CC stream, answer with the right headers
 * and pipe the bytes through with backpressure, never holding a payload in memory.
 *
 * - Failures before the first byte are JSON errors (403/410/404/416/502/503).
 * - Failures after it destroy the client connection: a broken transfer, never a short file that
 *   looks complete (an upstream ending short of its length counts as such a failure).
 * - A client that leaves aborts the upstream request at once.
 * - HEAD runs exactly the GET flow (so that its headers are the GET's, sniffed Content-Type
 *   included) and then drops the upstream right after its first bytes arrived.
 */
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response } from 'express';
import type { CcfsApi, GatewayApi, UpstreamDownload } from '../cc/types.js';
import { describeCcFailure, isCcError } from '../cc/cc-error.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { requestContextOf, runWithRequestContext } from '../observability/request-context.js';
import { auditMediaAccess, type MediaAction } from './audit.js';
import { byteWindow, type ByteWindow } from './byte-window.js';
import { contentDispositionHeader } from './content-disposition.js';
import { presentMedia } from './content-type.js';
import { LinkRejected, type LinkCodec, type VerifiedLink } from './link-token.js';
import { mediaErrorFor, rangeNotSatisfiable, type MediaErrorResponse } from './media-errors.js';
import { openTarget } from './open-target.js';
import { contentRange, decideRange, parseContentRange, unsatisfiedContentRange, upstreamRange } from './range.js';

export interface MediaRouteDeps {
  codec: LinkCodec;
  ccfs: CcfsApi;
  gateway: GatewayApi | undefined;
  /** Heals playback links whose CC token the platform forgot; without it such links answer 410. */
  renewPlaybackToken?: (fileName: string, refusedToken: string) => Promise<string>;
  logger: Logger;
  metrics: Metrics;
}

/** What goes to the client: a status, its range headers, and which bytes of the upstream body. */
type ResponsePlan =
  | { status: 200 | 206; contentLength: number | undefined; contentRange: string | undefined; window: ByteWindow; fromStart: boolean }
  | { status: 416; size: number };

/** Mutable per request, read once by the audit event when the response closes. */
interface Exchange {
  started: number;
  link: VerifiedLink | undefined;
  kid: string | undefined;
  linkId: string | undefined;
  bytesSent: number;
  /** The whole-body fast path's byte count, read when the audit event is written. */
  wholeBody: { count: number } | undefined;
  completed: boolean;
  error: string | undefined;
  /** Why the CC call failed (describeCcFailure: server, kind, codes), for the audit line. */
  cause: string | undefined;
  clientGone: boolean;
}

export function createMediaRoute(deps: MediaRouteDeps): express.Router {
  const router = express.Router();
  // Mounted with use() so that the token is taken from the raw path: no param decoding (whose error
  // message would carry the token) and every malformed token is simply an invalid link.
  router.use('/media', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    serveMedia(deps, req, res).catch((error: unknown) => {
      // A bug, not a CC failure: answer it without letting an unhandled rejection end the process.
      // Only the error's name: a message could quote the request (and so the token).
      deps.logger.error(
        { requestId: requestContextOf(res)?.requestId, errorName: error instanceof Error ? error.name : typeof error },
        'media route failed',
      );
      if (res.headersSent) res.destroy();
      else res.status(500).json({ error: { code: 'INTERNAL_ERROR', message: 'The media could not be served.' } });
    });
  });
  return router;
}

async function serveMedia(deps: MediaRouteDeps, req: Request, res: Response): Promise<void> {
  const { codec, logger, metrics } = deps;
  const exchange: Exchange = {
    started: performance.now(),
    link: undefined,
    kid: undefined,
    linkId: undefined,
    bytesSent: 0,
    wholeBody: undefined,
    completed: false,
    error: undefined,
    cause: undefined,
    clientGone: false,
  };
  const abort = new AbortController();
  let upstream: UpstreamDownload | undefined;
  metrics.activeStreams.inc();
  res.once('close', () => {
    metrics.activeStreams.dec();
    // 'close' comes before pipeline() resolves: a response that was fully handed over is complete.
    if (res.writableFinished) {
      exchange.completed = true;
    } else {
      // Closed before we finished and not by our own failure handling: the client left.
      if (!exchange.completed && exchange.error === undefined) exchange.clientGone = true;
      abort.abort();
      // Belt and braces: the open stream goes too, whatever the transport does with the signal.
      if (upstream !== undefined) discard(upstream);
    }
    audit(logger, req, res, exchange);
  });

  let link: VerifiedLink;
  try {
    link = codec.verify(req.path.replace(/^\//, ''));
  } catch (error) {
    if (error instanceof LinkRejected) {
      metrics.linkRejections.inc({ reason: error.reason });
      exchange.kid = error.link?.kid;
      exchange.linkId = error.link?.linkId;
    }
    sendError(res, exchange, mediaErrorFor(error));
    return;
  }
  exchange.link = link;
  exchange.kid = link.kid;
  exchange.linkId = link.linkId;

  const rangeHeader = req.headers.range;
  const request = requestContextOf(res);
  try {
    // In the request context: the CC calls (and a gateway sign-in they cause) carry its trace.
    const open = () => openUpstream(deps, link, rangeHeader, abort.signal);
    upstream = await (request === undefined ? open() : runWithRequestContext(request, open));
  } catch (error) {
    if (!exchange.clientGone) {
      exchange.cause = causeOf(error);
      sendError(res, exchange, mediaErrorFor(error));
    }
    return;
  }
  if (exchange.clientGone) {
    discard(upstream);
    return;
  }

  const plan = planResponse(upstream, rangeHeader);
  if (plan === undefined) {
    discard(upstream);
    sendError(res, exchange, { status: 502, code: 'CC_ERROR', message: 'The CC platform sent a partial answer without a valid Content-Range.' });
    return;
  }
  if (plan.status === 416) {
    discard(upstream);
    res.setHeader('Content-Range', unsatisfiedContentRange(plan.size));
    sendError(res, exchange, rangeNotSatisfiable());
    return;
  }

  // Sniffing needs the first bytes of the file, not of a range in its middle.
  const presentation = presentMedia(link.fileName, plan.fromStart ? upstream.head : Buffer.alloc(0));
  res.status(plan.status);
  res.setHeader('Content-Type', presentation.contentType);
  res.setHeader('Content-Disposition', contentDispositionHeader(link.disposition, presentation.fileName));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (plan.contentLength !== undefined) res.setHeader('Content-Length', String(plan.contentLength));
  if (plan.contentRange !== undefined) res.setHeader('Content-Range', plan.contentRange);

  if (req.method === 'HEAD') {
    discard(upstream);
    res.end();
    exchange.completed = true;
    return;
  }

  const bytesStreamed = metrics.bytesStreamed.labels({ kind: link.target.kind });
  try {
    if (plan.window.skip === 0 && plan.window.untilEnd) {
      // The whole upstream body, as is: the cheap path (most downloads and plays).
      // No extra stream stage: bytes are counted by a 'data' listener, and a body that ends short
      // of its Content-Length already fails the upstream stream (the CC transport checks it).
      const counted = { count: 0 };
      exchange.wholeBody = counted;
      upstream.stream.on('data', (chunk: Buffer) => {
        counted.count += chunk.length;
      });
      // Recorded as the failure happens, before pipeline tears the response down (audit must not
      // mistake it for a client leaving).
      upstream.stream.once('error', (error: unknown) => {
        if (!exchange.clientGone && exchange.error === undefined) {
          exchange.error = upstreamFailure(error);
          exchange.cause = causeOf(error);
        }
      });
      try {
        await pipeline(upstream.stream, res);
      } finally {
        bytesStreamed.inc(counted.count);
      }
    } else {
      await pipeline(
        failuresRecorded(
          byteWindow(upstream.stream, plan.window, (count) => {
            exchange.bytesSent += count;
            bytesStreamed.inc(count);
          }),
          exchange,
        ),
        res,
      );
    }
    exchange.completed = true;
    // An empty window never reads its source: let go of it.
    if (!upstream.stream.readableEnded) discard(upstream);
  } catch {
    // Headers (and maybe bytes) are out: the only honest signal left is a broken connection.
    discard(upstream);
    res.destroy();
  }
}

/** Notes an upstream failure before pipeline tears the response down, so audit tells it from a client leaving. */
async function* failuresRecorded(source: AsyncGenerator<Buffer>, exchange: Exchange): AsyncGenerator<Buffer> {
  try {
    yield* source;
  } catch (error) {
    if (!exchange.clientGone) {
      exchange.error = upstreamFailure(error);
      exchange.cause = causeOf(error);
    }
    throw error;
  }
}

function causeOf(error: unknown): string | undefined {
  return isCcError(error) ? describeCcFailure(error) : undefined;
}

function upstreamFailure(error: unknown): string {
  return isCcError(error) ? `UPSTREAM_${error.kind.toUpperCase()}` : 'UPSTREAM_FAILED';
}

/**
 * Opens the target, forwarding a single Range. A platform that refuses the range (416) is asked
 * again for the whole body: its Content-Length then gives the size for our own 416 (or our own
 * slicing, if the range was in fact satisfiable).
 */
async function openUpstream(
  deps: MediaRouteDeps,
  link: VerifiedLink,
  rangeHeader: string | undefined,
  signal: AbortSignal,
): Promise<UpstreamDownload> {
  const range = upstreamRange(rangeHeader);
  if (range === undefined) return openTarget(link.target, deps, { signal });
  try {
    return await openTarget(link.target, deps, { range, signal });
  } catch (error) {
    if (!isCcError(error) || error.httpStatus !== 416 || signal.aborted) throw error;
    return openTarget(link.target, deps, { signal });
  }
}

/** undefined: a 206 whose Content-Range cannot be used. */
function planResponse(upstream: UpstreamDownload, rangeHeader: string | undefined): ResponsePlan | undefined {
  if (upstream.statusCode === 206) {
    const range = parseContentRange(upstream.contentRange);
    if (range === undefined) return undefined;
    const length = range.end - range.start + 1;
    return {
      status: 206,
      contentLength: length,
      contentRange: contentRange(range.start, range.end, range.size),
      window: { skip: 0, length, untilEnd: true },
      fromStart: range.start === 0,
    };
  }
  const size = upstream.contentLength;
  if (size === undefined) {
    // Unknown size: no Range can be honoured or refused; the whole body, to its end.
    return { status: 200, contentLength: undefined, contentRange: undefined, window: { skip: 0, length: undefined, untilEnd: true }, fromStart: true };
  }
  const decision = decideRange(rangeHeader, size);
  switch (decision.type) {
    case 'unsatisfiable':
      return { status: 416, size };
    case 'full':
      return { status: 200, contentLength: size, contentRange: undefined, window: { skip: 0, length: size, untilEnd: true }, fromStart: true };
    case 'partial': {
      const length = decision.end - decision.start + 1;
      return {
        status: 206,
        contentLength: length,
        contentRange: contentRange(decision.start, decision.end, size),
        window: { skip: decision.start, length, untilEnd: decision.end === size - 1 },
        // The upstream body starts at the file's first byte even though the client's range does not.
        fromStart: true,
      };
    }
  }
}

function sendError(res: Response, exchange: Exchange, error: MediaErrorResponse): void {
  exchange.error = error.code;
  res.status(error.status);
  res.setHeader('Cache-Control', 'no-store');
  if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
  res.json({
    error: { code: error.code, message: error.message, ...(error.ccResultCode === undefined ? {} : { ccResultCode: error.ccResultCode }) },
  });
  exchange.completed = true;
}

/** Drops an upstream we will not read; the no-op listener keeps a late error from crashing the process. */
function discard(upstream: UpstreamDownload): void {
  upstream.stream.on('error', () => undefined);
  upstream.stream.destroy();
}

function audit(logger: Logger, req: Request, res: Response, exchange: Exchange): void {
  const { link } = exchange;
  let action: MediaAction | undefined;
  if (link !== undefined) {
    if (res.statusCode === 206) action = 'range';
    else action = link.disposition === 'inline' ? 'play' : 'download';
  }
  auditMediaAccess(logger, {
    event: 'media.access',
    requestId: requestContextOf(res)?.requestId,
    method: req.method,
    action,
    target: link?.target.kind,
    linkId: exchange.linkId,
    kid: exchange.kid,
    status: res.statusCode,
    ...(exchange.error === undefined ? (exchange.clientGone ? { error: 'CLIENT_CLOSED' } : {}) : { error: exchange.error }),
    ...(exchange.cause === undefined ? {} : { cause: exchange.cause }),
    completed: exchange.completed,
    bytesSent: exchange.wholeBody?.count ?? exchange.bytesSent,
    durationMs: Math.round(performance.now() - exchange.started),
    ...(link?.subject === undefined ? {} : { subject: link.subject }),
  });
}
