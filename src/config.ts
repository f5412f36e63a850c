/**
 * Environment → Config, parsed and validated in one place. A missing or malformed variable throws a
 * ConfigError whose message is one line naming the variable and what it should hold; main.ts prints
 * it and exits. No secret value ever appears in a message.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly variable: string, expected: string) {
    super(`${variable}: ${expected}`);
  }
}

export interface MediaLinkKey {
  kid: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

export interface CcfsConfig {
  baseUrl: string;
  accessKey: string;
  secretKey: string;
}

export interface GatewayConfig {
  baseUrl: string;
  agentId: string;
  password: string;
  phone: string;
}

export interface TlsConfig {
  /** Extra CA certificates (PEM), added to Node's defaults. */
  ca: string | undefined;
  /** Name to verify on the CC servers' certificates instead of the URL's host. */
  serverName: string | undefined;
}

export interface Config {
  port: number;
  /** Without a trailing slash. */
  publicBaseUrl: string;
  /** True when no CC variable is set: main.ts starts the embedded simulator and fills in ccfs/gateway. */
  simulator: boolean;
  ccfs: CcfsConfig | undefined;
  gateway: GatewayConfig | undefined;
  tls: TlsConfig;
  mediaLinkKeys: MediaLinkKey[];
  mediaLinkTtlSeconds: number;
  mediaLinkMaxTtlSeconds: number;
  ccTimeZone: string;
  ccMaxConcurrency: number;
  /** Browser origins allowed to call /graphql directly (Apollo Studio / Sandbox). */
  corsOrigins: string[];
  nodeEnv: string;
}

export type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function required(env: Env, name: string, expected: string): string {
  const value = text(env, name);
  if (value === undefined) throw new ConfigError(name, `required: ${expected}`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `an integer from ${min} to ${max}`);
  }
  return Number(raw);
}

function httpUrl(env: Env, name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, 'an absolute http(s) URL, e.g. https://10.1.2.3:28090');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, 'an absolute http(s) URL, e.g. https://10.1.2.3:28090');
  }
  return value.replace(/\/+$/, '');
}

/** `kid:base64key[,kid:base64key…]`, each key 32 bytes. */
export function parseMediaLinkKeys(raw: string): MediaLinkKey[] {
  const expected = 'kid:base64key[,kid:base64key…] with 32-byte keys, e.g. k1:$(openssl rand -base64 32)';
  const keys = raw.split(',').map((part) => {
    const colon = part.indexOf(':');
    const kid = part.slice(0, colon).trim();
    const key = Buffer.from(part.slice(colon + 1).trim(), 'base64');
    if (colon < 1 || !/^[A-Za-z0-9_-]{1,16}$/.test(kid) || key.length !== 32) {
      throw new ConfigError('MEDIA_LINK_KEYS', expected);
    }
    return { kid, key };
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    throw new ConfigError('MEDIA_LINK_KEYS', 'distinct kids: ' + expected);
  }
  return keys;
}

function readCaFile(env: Env): string | undefined {
  const path = text(env, 'CC_TLS_CA_FILE');
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError('CC_TLS_CA_FILE', 'a readable PEM file of CA certificates');
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  try {
    if (!blocks) throw new Error('no certificate');
    for (const block of blocks) new X509Certificate(block);
  } catch {
    throw new ConfigError('CC_TLS_CA_FILE', 'a readable PEM file of CA certificates');
  }
  return pem;
}

function timeZone(env: Env): string {
  const zone = text(env, 'CC_TIME_ZONE') ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ConfigError('CC_TIME_ZONE', 'an IANA time zone, e.g. Asia/Shanghai');
  }
  return zone;
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 4001, 0, 65535);
  const publicBaseUrl = httpUrl(env, 'PUBLIC_BASE_URL', text(env, 'PUBLIC_BASE_URL') ?? `http://localhost:${port}`);

  const ccfsUrl = text(env, 'CCFS_BASE_URL');
  const gatewayUrl = text(env, 'CC_GATEWAY_BASE_URL');
  const simulator = ccfsUrl === undefined && gatewayUrl === undefined;

  const ccfs: CcfsConfig | undefined =
    ccfsUrl === undefined
      ? undefined
      : {
          baseUrl: httpUrl(env, 'CCFS_BASE_URL', ccfsUrl),
          accessKey: required(env, 'CCFS_AK', 'the C2 access key of the developer account (with CCFS_BASE_URL)'),
          secretKey: required(env, 'CCFS_SK', 'the C2 secret key of the developer account (with CCFS_BASE_URL)'),
        };
  if (!simulator && ccfs === undefined) {
    throw new ConfigError('CCFS_BASE_URL', 'required with CC_GATEWAY_BASE_URL: the CC-FS URL, e.g. https://10.1.2.3:28090');
  }

  const gateway: GatewayConfig | undefined =
    gatewayUrl === undefined
      ? undefined
      : {
          baseUrl: httpUrl(env, 'CC_GATEWAY_BASE_URL', gatewayUrl),
          agentId: agentId(required(env, 'CC_GATEWAY_AGENT_ID', 'the service agent id, 101–999999')),
          password: required(env, 'CC_GATEWAY_PASSWORD', "the service agent's password"),
          phone: required(env, 'CC_GATEWAY_PHONE', "the service agent's phone number"),
        };

  const keysRaw = text(env, 'MEDIA_LINK_KEYS');
  if (keysRaw === undefined && !simulator) {
    throw new ConfigError('MEDIA_LINK_KEYS', 'required outside simulator mode: kid:base64key[,…] with 32-byte keys');
  }
  const mediaLinkMaxTtlSeconds = integer(env, 'MEDIA_LINK_MAX_TTL_SECONDS', 3600, 1, 7 * 24 * 3600);
  const mediaLinkTtlSeconds = integer(env, 'MEDIA_LINK_TTL_SECONDS', Math.min(900, mediaLinkMaxTtlSeconds), 1, mediaLinkMaxTtlSeconds);

  return {
    port,
    publicBaseUrl,
    simulator,
    ccfs,
    gateway,
    tls: { ca: readCaFile(env), serverName: text(env, 'CC_TLS_SERVERNAME') },
    // Simulator mode without keys: a random key per process (links die with the process; fine for a demo).
    mediaLinkKeys: keysRaw === undefined ? [] : parseMediaLinkKeys(keysRaw),
    mediaLinkTtlSeconds,
    mediaLinkMaxTtlSeconds,
    ccTimeZone: timeZone(env),
    ccMaxConcurrency: integer(env, 'CC_MAX_CONCURRENCY', 8, 1, 256),
    corsOrigins: corsOrigins(env),
    nodeEnv: text(env, 'NODE_ENV') ?? 'development',
  };
}

function agentId(value: string): string {
  if (!/^\d{3,6}$/.test(value) || Number(value) < 101 || Number(value) > 999999) {
    throw new ConfigError('CC_GATEWAY_AGENT_ID', 'the service agent id, a number from 101 to 999999');
  }
  return value;
}

function corsOrigins(env: Env): string[] {
  const raw = text(env, 'CORS_ORIGINS');
  if (raw === undefined) return ['https://studio.apollographql.com'];
  const origins = raw.split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed.origin !== origin) {
      throw new ConfigError('CORS_ORIGINS', 'comma-separated origins such as https://studio.apollographql.com');
    }
  }
  return origins;
}
