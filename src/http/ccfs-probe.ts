/**
 * Is CC-FS reachable? One plain GET on its base URL with the same TLS trust as the CC clients
 * (CC_TLS_CA_FILE, CC_TLS_SERVERNAME): any HTTP answer, whatever its status, means the network
 * path and the certificate are good. No credentials are sent. Results are shared for a moment so
 * that probes from several load balancers do not multiply the calls.
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import type { TlsConfig } from '../config.js';

export interface ReachabilityProbe {
  (): Promise<boolean>;
}

export function createReachabilityProbe(
  baseUrl: string,
  tls: TlsConfig,
  options: { timeoutMs?: number; cacheMs?: number } = {},
): ReachabilityProbe {
  const timeoutMs = options.timeoutMs ?? 3000;
  const cacheMs = options.cacheMs ?? 2000;
  const url = new URL(baseUrl + '/');
  let last: { at: number; result: boolean } | undefined;
  let inFlight: Promise<boolean> | undefined;

  const probeOnce = () =>
    new Promise<boolean>((resolve) => {
      const requestOptions: https.RequestOptions = { method: 'GET', timeout: timeoutMs, agent: false };
      if (url.protocol === 'https:') {
        if (tls.ca !== undefined) requestOptions.ca = [...rootCertificates, tls.ca];
        if (tls.serverName !== undefined) requestOptions.servername = tls.serverName;
      }
      const request = (url.protocol === 'https:' ? https : http).request(url, requestOptions, (response) => {
        response.resume();
        resolve(true);
      });
      request.once('timeout', () => request.destroy(new Error('timeout')));
      request.once('error', () => resolve(false));
      request.end();
    });

  return async () => {
    if (last && Date.now() - last.at < cacheMs) return last.result;
    inFlight ??= probeOnce().then((result) => {
      last = { at: Date.now(), result };
      inFlight = undefined;
      return result;
    });
    return inFlight;
  };
}
