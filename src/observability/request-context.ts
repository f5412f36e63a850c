/**
 * The request being served (its id and `traceparent`), for the work done for it that cannot be
 * handed the request explicitly: the CC calls it causes (the transport sends its `traceparent`) and
 * the log lines written meanwhile (the logger adds its id).
 *
 * It is set only around such work (`runWithRequestContext`), not around whole requests: on Node 20
 * an enabled AsyncLocalStorage runs JavaScript hooks for every promise in the process, and a
 * GraphQL request creates over 200 (Apollo's pipeline), which cost a third of a warm `_entities`
 * request. So the storage is enabled only while some scope is open and disabled again when the last
 * one closes; a request that makes no upstream call never turns it on. Lines that belong to a
 * request but are written outside a scope (the access log, the media audit event, GraphQL errors)
 * name the request themselves.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  /** The W3C trace id of the request (32 hex digits). */
  requestId: string;
  /** The `traceparent` to send on calls made for this request (same trace, this server's span). */
  traceparent: string;
}

const storage = new AsyncLocalStorage<RequestContext | undefined>();
let openScopes = 0;

function close(): void {
  openScopes -= 1;
  if (openScopes === 0) storage.disable();
}

/** Runs `work` with `context` as the current request context until the promise it returns settles. */
export async function runWithRequestContext<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
  openScopes += 1;
  try {
    return await storage.run(context, work);
  } finally {
    close();
  }
}

/** Runs `work` outside any request (a loop that outlives the request that started it). */
export async function runOutsideRequestContext<T>(work: () => Promise<T>): Promise<T> {
  if (openScopes === 0) return work();
  openScopes += 1;
  try {
    return await storage.run(undefined, work);
  } finally {
    close();
  }
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The context of each request by its response object, for the handlers that serve it. */
const byResponse = new WeakMap<object, RequestContext>();

export function attachRequestContext(response: object, context: RequestContext): void {
  byResponse.set(response, context);
}

export function requestContextOf(response: object): RequestContext | undefined {
  return byResponse.get(response);
}
