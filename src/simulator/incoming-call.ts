/** One received request, as the route handlers see it (body already read). */
import type { IncomingHttpHeaders } from 'node:http';

export interface IncomingCall {
  method: string;
  /** Path plus query exactly as received (auth-v2 signs it unencoded). */
  rawUrl: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Remote address (the IP lock counts per address). */
  ip: string;
  /** `{agentid}` from a CC-Gateway path. */
  agentId?: string;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
