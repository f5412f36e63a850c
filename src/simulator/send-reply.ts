/**
 * Writes a Reply to the socket chunk by chunk, honouring backpressure, an optional throttle and
 * an optional truncation (headers promise the full Content-Length, the connection ends early).
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { bodyLength, type Reply } from './replies.js';

export interface SendOptions {
  /** Cut the body after this many bytes (fault 'truncate'). */
  truncateAfter?: number;
  /** Bytes per second for file bodies, read before each chunk so a test can change it mid-stream. */
  bytesPerSecond?: () => number | undefined;
  onBytes(count: number): void;
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function pause(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}

/** Ends the connection once what was written has been flushed: the client sees a short body. */
function cutConnection(res: ServerResponse): void {
  if (!res.headersSent) res.flushHeaders();
  res.socket?.destroySoon();
}

export async function sendReply(res: ServerResponse, reply: Reply, options: SendOptions): Promise<void> {
  const length = bodyLength(reply.body);
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', String(length));

  const truncateAt = options.truncateAfter !== undefined && options.truncateAfter < length ? options.truncateAfter : undefined;
  if (truncateAt === 0) {
    cutConnection(res);
    return;
  }
  const isFile = !Buffer.isBuffer(reply.body);
  const body = reply.body;
  const stream = Buffer.isBuffer(body) ? Readable.from([body]) : body.source.open(body.range);
  let sent = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let rest = chunk;
      while (rest.length > 0) {
        if (res.destroyed) return;
        const rate = isFile ? options.bytesPerSecond?.() : undefined;
        const pieceSize = rate !== undefined && rate > 0 ? Math.max(1, Math.min(rest.length, Math.floor(rate / 20))) : rest.length;
        let piece = rest.subarray(0, pieceSize);
        rest = rest.subarray(pieceSize);
        if (truncateAt !== undefined && sent + piece.length >= truncateAt) {
          piece = piece.subarray(0, truncateAt - sent);
          if (piece.length > 0) res.write(piece);
          sent += piece.length;
          options.onBytes(piece.length);
          cutConnection(res);
          return;
        }
        res.write(piece);
        sent += piece.length;
        options.onBytes(piece.length);
        if (rate !== undefined && rate > 0) await pause((piece.length / rate) * 1000, res);
        // Checked after the pause: a 'drain' during the pause must not be waited for again.
        if (res.writableNeedDrain && !res.destroyed) await drainedOrClosed(res);
      }
    }
    if (!res.destroyed) res.end();
  } catch (error) {
    // A failing source must not look like a complete file: break the connection.
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    stream.destroy();
  }
}
