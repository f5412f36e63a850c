/**
 * POST /cc/callback (docs/recording-index.md): where the CC-FS reports a generated file (`billFileName` after
 * queryBillData, `agentOprInfoFileName` after queryAgentOprInfoData).
 *
 *   413  a body over 64 KiB: refused from Content-Length, or as soon as more arrived, unread beyond
 *   401  no valid auth-v2 signature with CC_CALLBACK_AK/SK (host signed, ±15 min): nothing recorded
 *   400  a body that is not JSON, has neither file name, or names one that is not yyyyMMdd_{32 hex}.zip
 *   200  {"resultCode":"0","resultDesc":"success"} once the name is committed to the database; then
 *        the file is fetched (the ingestion is woken). A callback for a file we did not ask for is
 *        answered the same and changes nothing; the same callback again is harmless.
 *
 * Neither the Authorization header nor the body is ever logged.
 */
import express, { type Request, type Response, type Router } from 'express';
import { parseExportFileName } from '../cc/files/export-file-name.js';
import { verifyAuthV2Request, type VerifyKeys } from '../cc/auth-v2-verify.js';
import type { DatabaseHandle } from '../db/connection.js';
import { recordCallback } from '../db/export-file-repository.js';
import type { ExportFileKind } from '../db/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { errorText } from './error-text.js';

export const CALLBACK_PATH = '/cc/callback';
export const MAX_CALLBACK_BYTES = 64 * 1024;
export const CALLBACK_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface CallbackRouteOptions {
  handle: DatabaseHandle;
  /** The keys the CC-FS signs callbacks with (undefined: every callback is refused). */
  keys: VerifyKeys | undefined;
  logger: Logger;
  metrics: Metrics;
  /** A file we asked for was reported: fetch it now. */
  onReported(fileName: string, kind: ExportFileKind): void;
  now?: () => number;
}

const SUCCESS = { resultCode: '0', resultDesc: 'success' };

function refuse(res: Response, status: number, code: string, message: string, close = false): void {
  if (close) res.setHeader('connection', 'close');
  res.status(status).json({ error: { code, message } });
}

type Body = { bytes: Buffer } | { tooLarge: true };

/** The raw body, or tooLarge as soon as it passes the limit (the rest is never read). */
function readBody(req: Request, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve({ tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve({ bytes: Buffer.concat(chunks, size) }));
    req.once('error', reject);
  });
}

interface ReportedFile {
  fileName: string;
  kind: ExportFileKind;
}

/** The reported file names, or the reason the body is refused (never quoting it). */
function reportedFiles(bytes: Buffer): ReportedFile[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  const msgBody = typeof parsed === 'object' && parsed !== null ? (parsed as { msgBody?: unknown }).msgBody : undefined;
  if (typeof msgBody !== 'object' || msgBody === null) return 'the body has no msgBody object';
  const fields: Array<[string, ExportFileKind]> = [
    ['billFileName', 'record'],
    ['agentOprInfoFileName', 'agent_opr'],
  ];
  const files: ReportedFile[] = [];
  for (const [field, kind] of fields) {
    const value = (msgBody as Record<string, unknown>)[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || parseExportFileName(value) === undefined) return `${field} is not a file name of the form yyyyMMdd_{32 hex digits}.zip`;
    files.push({ fileName: value, kind });
  }
  return files.length > 0 ? files : 'msgBody names neither billFileName nor agentOprInfoFileName';
}

export function createCallbackRoute(options: CallbackRouteOptions): Router {
  const { handle, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const router = express.Router();

  router.post(CALLBACK_PATH, async (req: Request, res: Response) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_CALLBACK_BYTES) {
      metrics.ccCallbacks.inc({ result: 'too_large' });
      return refuse(res, 413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_CALLBACK_BYTES} bytes`, true);
    }
    let body: Body;
    try {
      body = await readBody(req, MAX_CALLBACK_BYTES);
    } catch {
      return; // the client went away
    }
    if ('tooLarge' in body) {
      metrics.ccCallbacks.inc({ result: 'too_large' });
      return refuse(res, 413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_CALLBACK_BYTES} bytes`, true);
    }

    const query = req.originalUrl.indexOf('?');
    const verdict =
      options.keys === undefined
        ? ({ ok: false, reason: 'access_key' } as const)
        : verifyAuthV2Request(
            {
              method: req.method,
              path: query < 0 ? req.originalUrl : req.originalUrl.slice(0, query),
              rawQuery: query < 0 ? '' : req.originalUrl.slice(query + 1),
              headers: req.headers,
              body: body.bytes,
            },
            options.keys,
            now(),
            CALLBACK_CLOCK_SKEW_MS,
          );
    if (!verdict.ok) {
      metrics.ccCallbacks.inc({ result: 'unauthorized' });
      logger.warn({ reason: verdict.reason }, 'CC-FS callback refused: no valid auth-v2 signature');
      return refuse(res, 401, 'UNAUTHORIZED', 'the callback does not carry a valid auth-v2 signature');
    }

    const files = reportedFiles(body.bytes);
    if (typeof files === 'string') {
      metrics.ccCallbacks.inc({ result: 'bad_request' });
      logger.warn({ problem: files }, 'CC-FS callback refused: bad body');
      return refuse(res, 400, 'BAD_REQUEST', files);
    }

    const known: ReportedFile[] = [];
    try {
      for (const file of files) {
        if (await recordCallback(handle.db, file.fileName, file.kind, now())) known.push(file);
      }
    } catch (error) {
      metrics.ccCallbacks.inc({ result: 'error' });
      logger.error({ error: errorText(error) }, 'CC-FS callback could not be stored; the CC-FS will send it again');
      return refuse(res, 503, 'UNAVAILABLE', 'the callback could not be stored; send it again later');
    }
    for (const file of files) {
      const ours = known.includes(file);
      metrics.ccCallbacks.inc({ result: ours ? 'stored' : 'unknown_file' });
      logger.info({ fileName: file.fileName, kind: file.kind, requestedHere: ours }, ours ? 'CC-FS callback stored' : 'CC-FS callback for a file not (yet) requested here: kept, changes nothing else');
    }
    res.status(200).json(SUCCESS);
    for (const file of known) options.onReported(file.fileName, file.kind);
  });
  return router;
}
