/**
 * What every resolver receives. Services live as long as the server; loaders are created fresh
 * for each request (their caches are per request, so a refusal is never remembered across
 * requests); the token cache and the operation store are the only cross-request state.
 */
import type { CallerAuth } from '../auth/caller-auth.js';
import type { Config } from '../config.js';
import type { CcfsApi, GatewayApi } from '../cc/types.js';
import type { LinkMinter } from '../media/link-target.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AgentOperationStore } from './agent-operations/operations-store.js';
import { createPlaybackLoader, type PlaybackLoader } from './playback-loader.js';
import type { TokenCache } from './token-cache.js';

export interface GraphQLServices {
  config: Config;
  ccfs: CcfsApi;
  /** Undefined while CC_GATEWAY_BASE_URL is unset: gateway fields answer CC_GATEWAY_NOT_CONFIGURED. */
  gateway: GatewayApi | undefined;
  links: LinkMinter;
  operations: AgentOperationStore;
  tokenCache: TokenCache;
  logger: Logger;
  metrics: Metrics;
}

export interface GraphQLLoaders {
  /** Playback grants by normalized file name. */
  playback: PlaybackLoader;
}

export interface GraphQLContext {
  services: GraphQLServices;
  loaders: GraphQLLoaders;
  /** The end user, when the caller was identified; goes into the audit events of minted links. */
  subject?: string;
  /** The verified end user, or why there is none (src/auth); resolvers that hand out credentials check it with requireLinkScope. */
  auth?: CallerAuth;
}

export function createLoaders(services: GraphQLServices): GraphQLLoaders {
  return {
    playback: createPlaybackLoader({
      ccfs: services.ccfs,
      tokenCache: services.tokenCache,
      metrics: services.metrics,
      logger: services.logger,
    }),
  };
}

export function createContext(services: GraphQLServices, options: { subject?: string | undefined } = {}): GraphQLContext {
  return {
    services,
    loaders: createLoaders(services),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
  };
}
