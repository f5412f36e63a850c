/**
 * Idle keep-alive connections outlive the router's own idle timeout (commonly 60 s), so the router
 * side always closes an idle connection first. Were it the other way round, a router could send a
 * request on a connection at the very moment this server closes it: the request is lost and the
 * router answers 502 (it does not resend a POST). Shutdown closes idle connections itself.
 */
import type http from 'node:http';

export function applyKeepAlive(server: http.Server, keepAliveTimeoutSeconds: number): void {
  server.keepAliveTimeout = keepAliveTimeoutSeconds * 1000;
  // Above the keep-alive timeout: otherwise a connection waiting for its next request could be
  // cut by the headers timer first (the race Node's documentation warns about).
  server.headersTimeout = keepAliveTimeoutSeconds * 1000 + 1000;
}
