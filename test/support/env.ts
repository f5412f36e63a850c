/**
 * The one mapping from a simulator to the subgraph's documented environment variables, used by
 * in-process stacks (through loadConfig), by child processes and by the benchmarks.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config, type Env, type MediaLinkKey } from '../../src/config.js';

/** What the mapping needs of a simulator (an in-process Simulator, or one running in another process). */
export interface SimulatorEndpoints {
  ccfsBaseUrl: string;
  gatewayBaseUrl: string;
  credentials: { accessKey: string; secretKey: string; agentId: string; password: string; phone: string };
}

export interface SimulatorEnvOptions {
  /** false: no CC-Gateway configured (CC_GATEWAY_* unset). Default true. */
  withGateway?: boolean;
  /** Another CC-FS base URL (e.g. a dead one) with the simulator's credentials. */
  ccfsUrl?: string;
  /** The media link keys; default one fresh key `k1`. */
  keys?: MediaLinkKey[];
}

export function newMediaLinkKey(kid: string): MediaLinkKey {
  return { kid, key: randomBytes(32) };
}

/** MEDIA_LINK_KEYS as documented: `kid:base64key[,kid:base64key…]`. */
export function mediaLinkKeysEnv(keys: MediaLinkKey[]): string {
  return keys.map((k) => `${k.kid}:${k.key.toString('base64')}`).join(',');
}

/** PORT 0 and NODE_ENV test; CC-FS, CC-Gateway and media link keys pointing at the simulator. */
export function simulatorEnv(sim: SimulatorEndpoints, options: SimulatorEnvOptions = {}): Env {
  return {
    PORT: '0',
    NODE_ENV: 'test',
    CCFS_BASE_URL: options.ccfsUrl ?? sim.ccfsBaseUrl,
    CCFS_AK: sim.credentials.accessKey,
    CCFS_SK: sim.credentials.secretKey,
    ...((options.withGateway ?? true)
      ? {
          CC_GATEWAY_BASE_URL: sim.gatewayBaseUrl,
          CC_GATEWAY_AGENT_ID: sim.credentials.agentId,
          CC_GATEWAY_PASSWORD: sim.credentials.password,
          CC_GATEWAY_PHONE: sim.credentials.phone,
        }
      : {}),
    MEDIA_LINK_KEYS: mediaLinkKeysEnv(options.keys ?? [newMediaLinkKey('k1')]),
  };
}

/** A Config pointing at the simulator, with `overrides` on top of simulatorEnv. */
export function simulatorConfig(sim: SimulatorEndpoints, overrides: Env = {}, options: SimulatorEnvOptions = {}): Config {
  return loadConfig({ ...simulatorEnv(sim, options), ...overrides });
}
