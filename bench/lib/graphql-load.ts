/**
 * The benchmark's GraphQL load: autocannon POSTing one JSON body over `connections` connections,
 * an answer with `"errors"` counted as a mismatch (a cheap check that costs every server the same).
 */
import autocannon from 'autocannon';

/** Sent to every server alike; ours runs with it as ROUTER_SECRET, as production does. */
export const ROUTER_SECRET = 'bench-router-secret-0123456789abcdef';

export interface GraphQLLoadOptions {
  url: string;
  body: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Seconds before autocannon gives up on one request (its default: 10). */
  timeoutSeconds?: number;
}

export function graphqlLoad(options: GraphQLLoadOptions): Promise<autocannon.Result> {
  return autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    connections: options.connections,
    duration: options.seconds,
    ...(options.timeoutSeconds === undefined ? {} : { timeout: options.timeoutSeconds }),
    verifyBody: (responseBody) => typeof responseBody === 'string' && !responseBody.includes('"errors"'),
  });
}
