/**
 * Graceful stop of the HTTP server: stop accepting connections, let requests in flight (media
 * streams above all) finish up to a deadline, then cut whatever is left. A cut stream ends as a
 * broken transfer, never as a short file that looks complete.
 */
import type http from 'node:http';

export interface DrainResult {
  /** True when every request finished before the deadline. */
  graceful: boolean;
  /** Requests still running at the deadline (their connections were destroyed). */
  cut: number;
}

export interface GracefulShutdown {
  readonly shuttingDown: boolean;
  /** Requests whose responses have not ended yet. */
  inFlight(): number;
  /** Idempotent: a second call returns the first call's promise. */
  drain(graceMs: number): Promise<DrainResult>;
}

export function trackForShutdown(server: http.Server): GracefulShutdown {
  let shuttingDown = false;
  let inFlight = 0;
  let draining: Promise<DrainResult> | undefined;
  const idleWaiters = new Set<() => void>();

  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight += 1;
    // Requests that still arrive on an open keep-alive connection are served, then the connection closes.
    if (shuttingDown && !res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      if (!shuttingDown) return;
      server.closeIdleConnections();
      if (inFlight === 0) for (const wake of idleWaiters) wake();
    });
  });

  const drain = async (graceMs: number): Promise<DrainResult> => {
    shuttingDown = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const graceful = await new Promise<boolean>((resolve) => {
      if (inFlight === 0) return resolve(true);
      const wake = () => resolve(true);
      idleWaiters.add(wake);
      timer = setTimeout(() => {
        idleWaiters.delete(wake);
        resolve(false);
      }, graceMs);
    });
    clearTimeout(timer);
    const cut = graceful ? 0 : inFlight;
    server.closeAllConnections();
    await closed;
    return { graceful, cut };
  };

  return {
    get shuttingDown() {
      return shuttingDown;
    },
    inFlight: () => inFlight,
    drain: (graceMs) => (draining ??= drain(graceMs)),
  };
}
