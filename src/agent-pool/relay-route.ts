/**
 * GET /internal/cc-gateway/{operation}: the holder's side of the relay. Another replica that holds
 * no agent asks this one for a CC-Gateway download; it is served through this replica's own agent
 * session only (never relayed again, so no loops) and answered like the CC-Gateway would answer
 * it: the file stream with its status, length and range, or the failure in a form the asking
 * replica reads back as the same CcError. A body cut after its first byte is a broken transfer.
 */
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response } from 'express';
import { isCcError } from '../cc/cc-error.js';
import type { GatewayApi, UpstreamDownload } from '../cc/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { RELAY_AUTH_HEADER, type RelayAuth } from './relay-auth.js';
import { NO_AGENT_STATUS, parseRelayRequest, RELAY_PATH, relayFailure, type RelayedOperation } from './relay-wire.js';

export interface RelayRouteDeps {
  auth: RelayAuth;
  /** This replica's gateway client while its agent session is signed in; undefined otherwise. */
  localGateway: () => GatewayApi | undefined;
  logger: Logger;
  metrics: Metrics;
}

export function createRelayRoute(deps: RelayRouteDeps): express.Router {
  const router = express.Router();
  router.get(`${RELAY_PATH}/:operation`, (req, res) => {
    serveRelay(deps, req, res).catch((error: unknown) => {
      deps.logger.error({ errorName: error instanceof Error ? error.name : typeof error }, 'gateway relay failed');
      if (res.headersSent) res.destroy();
      else res.status(500).json({});
    });
  });
  return router;
}

function open(gateway: GatewayApi, relayed: RelayedOperation, options: { range?: string; signal: AbortSignal }): Promise<UpstreamDownload> {
  return relayed.operation === 'recordfiledownloadEx'
    ? gateway.recordFileDownloadEx(relayed.args, options)
    : gateway.videoFileDownload(relayed.args, options);
}

async function serveRelay(deps: RelayRouteDeps, req: Request, res: Response): Promise<void> {
  res.setHeader('Cache-Control', 'no-store');
  if (!deps.auth.verify(req.get(RELAY_AUTH_HEADER), req.originalUrl)) {
    res.status(401).json({});
    return;
  }
  const url = new URL(req.originalUrl, 'http://relay.invalid');
  const relayed = parseRelayRequest(String(req.params.operation), url.searchParams);
  if (relayed === undefined) {
    res.status(400).json({});
    return;
  }
  const gateway = deps.localGateway();
  if (gateway === undefined) {
    res.status(NO_AGENT_STATUS).json({});
    return;
  }
  deps.metrics.gatewayRelayed.inc({ direction: 'in' });

  const abort = new AbortController();
  let upstream: UpstreamDownload | undefined;
  res.once('close', () => {
    if (!res.writableFinished) {
      abort.abort();
      upstream?.stream.on('error', () => undefined);
      upstream?.stream.destroy();
    }
  });
  const range = req.get('range');
  try {
    upstream = await open(gateway, relayed, { ...(range === undefined ? {} : { range }), signal: abort.signal });
  } catch (error) {
    if (abort.signal.aborted) return;
    if (!isCcError(error)) throw error;
    const failure = relayFailure(error);
    res.status(failure.status).json(failure.body);
    return;
  }
  if (abort.signal.aborted) return;
  res.status(upstream.statusCode);
  res.setHeader('Content-Type', 'application/octet-stream');
  if (upstream.contentLength !== undefined) res.setHeader('Content-Length', String(upstream.contentLength));
  if (upstream.contentRange !== undefined) res.setHeader('Content-Range', upstream.contentRange);
  try {
    await pipeline(upstream.stream, res);
  } catch {
    // Bytes are out: a broken connection is the only honest signal left.
    upstream.stream.destroy();
    res.destroy();
  }
}
