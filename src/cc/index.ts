/**
 * Wiring of the CC layer: one transport per CC server, the CC-FS client, and — when a gateway is
 * configured — the service-agent session and the gateway client. Without a gateway, `gateway` is
 * undefined and the GraphQL layer answers CC_GATEWAY_NOT_CONFIGURED.
 */
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { CcfsClient } from './ccfs-client.js';
import { GatewayClient } from './gateway-client.js';
import { GatewaySession, type GatewaySessionOptions } from './gateway-session.js';
import { HttpTransport, type TransportTimeouts } from './http-transport.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import type { CcfsApi, GatewayApi } from './types.js';

export interface CcTuning extends TransportTimeouts {
  retry: RetryPolicy;
  session: Omit<GatewaySessionOptions, 'logger' | 'metrics'>;
}

export interface CcClients {
  ccfs: CcfsApi;
  gateway: GatewayApi | undefined;
  /** The service-agent session (for /readyz: `session.state`); undefined without a gateway. */
  session: GatewaySession | undefined;
  /** Signs the agent out and closes the connection pools. */
  close(): Promise<void>;
}

export interface CcDeps {
  metrics?: Metrics;
  logger?: Logger;
  /** Timeouts, retries and session pacing; the defaults suit production. */
  tuning?: Partial<CcTuning>;
}

export function createCcClients(config: Config, deps: CcDeps = {}): CcClients {
  if (config.ccfs === undefined) {
    throw new ConfigError('CCFS_BASE_URL', 'required: the CC-FS URL (main.ts fills it in when the simulator runs)');
  }
  const { metrics, logger, tuning = {} } = deps;
  const retry = tuning.retry ?? DEFAULT_RETRY_POLICY;
  const transportOptions = {
    tls: config.tls,
    maxConcurrency: config.ccMaxConcurrency,
    idleSocketMs: config.ccKeepAliveSeconds * 1000,
    metrics,
    logger,
    timeouts: { connectTimeoutMs: tuning.connectTimeoutMs, firstByteTimeoutMs: tuning.firstByteTimeoutMs },
  };

  const ccfsTransport = new HttpTransport({ ...transportOptions, upstream: 'CC-FS', baseUrl: config.ccfs.baseUrl });
  const ccfs = new CcfsClient(ccfsTransport, config.ccfs, { retry, timeZone: config.ccTimeZone });

  if (config.gateway === undefined) {
    return {
      ccfs,
      gateway: undefined,
      session: undefined,
      close: async () => ccfsTransport.close(),
    };
  }

  const gatewayTransport = new HttpTransport({
    ...transportOptions,
    upstream: 'CC-Gateway',
    baseUrl: config.gateway.baseUrl,
  });
  const session = new GatewaySession(gatewayTransport, config.gateway, { ...tuning.session, logger, metrics });
  const gateway = new GatewayClient(gatewayTransport, session, config.gateway.agentId, { retry });
  return {
    ccfs,
    gateway,
    session,
    close: async () => {
      await session.stop();
      ccfsTransport.close();
      gatewayTransport.close();
    },
  };
}

export { CcfsClient } from './ccfs-client.js';
export { GatewayClient } from './gateway-client.js';
export { GatewaySession, type AgentSessionState } from './gateway-session.js';
export { HttpTransport } from './http-transport.js';
export { signAuthV2 } from './auth-v2.js';
export { CcError, isCcError, type CcErrorKind } from './cc-error.js';
export * from './types.js';
