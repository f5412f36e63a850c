/**
 * The request id of the HTTP request being served, carried through async calls with
 * AsyncLocalStorage so that every log line written while serving it names it (logger.ts mixin),
 * whichever layer writes the line.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** The W3C trace id of the request (32 hex digits). */
  requestId: string;
  /** The `traceparent` to send on calls made for this request (same trace, this server's span). */
  traceparent: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `fn` outside any request: for background work that a request merely set going. */
export function runOutsideRequestContext<T>(fn: () => T): T {
  return storage.exit(fn);
}
