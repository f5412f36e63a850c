/**
 * Graceful stop of the HTTP server: stop accepting connections, let requests in flight (media
 * streams above all) finish up to a deadline, then cut whatever is left. A cut stream ends as a
 * broken transfer, never as a short file that looks complete.
 *
 * Idle keep-alive connections are not closed when the drain starts: a router or load balancer may
 * be sending a request on one at that very moment, and a connection closed under it loses the
 * request (a 502 for a POST, which routers do not resend). A connection is closed after its next
 * response instead (`Connection: close`, which the client reads before reusing it), or by the
 * client. While a router keeps sending on connections it had open, the drain waits (up to the
 * deadline); once no request has come for a second, what is still idle is closed.
 * New connections are refused at once, which a router safely retries elsewhere: nothing was sent.
 */
import type http from 'node:http';
import net from 'node:net';

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

/** Idle connections are closed once no request has arrived for this long (a router has stopped using them). */
const QUIET_MS = 1_000;

export function trackForShutdown(server: http.Server): GracefulShutdown {
  let shuttingDown = false;
  let inFlight = 0;
  let connections = 0;
  let lastRequestAt = 0;
  let draining: Promise<DrainResult> | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };

  server.on('connection', (socket: net.Socket) => {
    connections += 1;
    socket.once('close', () => {
      connections -= 1;
      if (shuttingDown) wake();
    });
  });

  // Before the application's own listener, which may answer (and send the headers) synchronously.
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight += 1;
    lastRequestAt = Date.now();
    // Requests that still arrive on an open keep-alive connection are served, then the connection closes.
    if (shuttingDown && !res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      if (shuttingDown) wake();
    });
  });

  /** Resolves true once `done()` holds, false at `deadline`. */
  const until = (done: () => boolean, deadline: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (done()) return resolve(true);
      const check = () => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), Math.max(0, deadline - Date.now()));
      const finish = (value: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
    });

  const drain = async (graceMs: number): Promise<DrainResult> => {
    shuttingDown = true;
    const deadline = Date.now() + graceMs;
    // net.Server's close: stop listening only. http.Server's own close() would also close the idle
    // keep-alive connections at once, the race described above.
    const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
    let graceful = await until(() => inFlight === 0, deadline);
    // Requests still arrive on the connections a router had open: each is served (then its
    // connection closes). Done when every connection is gone, or all is quiet for QUIET_MS.
    while (graceful && connections > 0 && Date.now() - lastRequestAt < QUIET_MS && Date.now() < deadline) {
      await until(() => connections === 0, Math.min(deadline, lastRequestAt + QUIET_MS));
      graceful = await until(() => inFlight === 0, deadline);
    }
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
