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

export interface JwtConfig {
  /** The identity provider's JSON Web Key Set, e.g. https://idp.example.com/.well-known/jwks.json */
  jwksUrl: string;
  issuer: string;
  /** The token's `aud` must contain one of these. */
  audience: string[];
  /** The scope a caller needs to mint media links (and read playback tokens). */
  requiredScope: string;
}

export interface GraphQLLimits {
  /** Schema introspection (`__schema`, `__type`); `_service { sdl }` answers regardless. */
  introspection: boolean;
  /** The Apollo Sandbox landing page on GET /graphql. */
  sandbox: boolean;
  maxDepth: number;
  /** The GraphQL document (the `query` string). */
  maxQueryBytes: number;
  /** The whole JSON request body. */
  maxBodyBytes: number;
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
  /** MEDIA_LINK_REUSE: identical link requests within one second share one link (src/media/link-reuse.ts). */
  mediaLinkReuse: boolean;
  ccTimeZone: string;
  ccMaxConcurrency: number;
  /** CC_KEEP_ALIVE_SECONDS: idle connections to the CC servers are closed after this long. */
  ccKeepAliveSeconds: number;
  /** Browser origins allowed to call /graphql directly (Apollo Studio / Sandbox). */
  corsOrigins: string[];
  nodeEnv: string;
  /** When set, /graphql answers only requests whose `Router-Authorization` header carries it. */
  routerSecret: string | undefined;
  /** When set, link fields need a valid end-user JWT with `requiredScope`. */
  jwt: JwtConfig | undefined;
  graphql: GraphQLLimits;
  /** `graph-id@variant`: the production landing page embeds Studio Explorer for it. */
  apolloGraphRef: string | undefined;
  /** How long running requests (media streams) may go on after SIGTERM / SIGINT. */
  shutdownGraceSeconds: number;
  /** A cached playback token is reused while it has more than this left (5–25 minutes). */
  playbackTokenReuseMarginSeconds: number;
  /** Shares the playback token cache among replicas (redis:// or rediss://). */
  redisUrl: string | undefined;
  logLevel: string;
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
  const nodeEnv = text(env, 'NODE_ENV') ?? 'development';
  const production = nodeEnv === 'production';
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
    mediaLinkReuse: flag(env, 'MEDIA_LINK_REUSE', true),
    ccTimeZone: timeZone(env),
    ccMaxConcurrency: integer(env, 'CC_MAX_CONCURRENCY', 8, 1, 256),
    ccKeepAliveSeconds: integer(env, 'CC_KEEP_ALIVE_SECONDS', 4, 1, 300),
    corsOrigins: corsOrigins(env),
    nodeEnv,
    routerSecret: routerSecret(env),
    jwt: jwtConfig(env),
    graphql: {
      introspection: flag(env, 'GRAPHQL_INTROSPECTION', !production),
      sandbox: flag(env, 'GRAPHQL_SANDBOX', !production),
      maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 12, 1, 100),
      maxQueryBytes: integer(env, 'GRAPHQL_MAX_QUERY_BYTES', 32 * 1024, 256, 16 * 1024 * 1024),
      maxBodyBytes: integer(env, 'GRAPHQL_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    },
    apolloGraphRef: apolloGraphRef(env),
    shutdownGraceSeconds: integer(env, 'SHUTDOWN_GRACE_SECONDS', 25, 0, 3600),
    playbackTokenReuseMarginSeconds: integer(env, 'PLAYBACK_TOKEN_REUSE_MARGIN_SECONDS', 300, 300, 1500),
    redisUrl: redisUrl(env),
    logLevel: logLevel(env, nodeEnv),
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

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, 'true or false');
}

function routerSecret(env: Env): string | undefined {
  const secret = text(env, 'ROUTER_SECRET');
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('ROUTER_SECRET', 'at least 16 characters, e.g. $(openssl rand -hex 32)');
  }
  return secret;
}

function jwtConfig(env: Env): JwtConfig | undefined {
  const jwksUrl = text(env, 'JWT_JWKS_URL');
  if (jwksUrl === undefined) {
    for (const name of ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_REQUIRED_SCOPE']) {
      if (text(env, name) !== undefined) throw new ConfigError('JWT_JWKS_URL', `required with ${name}: the identity provider's JWKS URL`);
    }
    return undefined;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(jwksUrl);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new ConfigError('JWT_JWKS_URL', 'an absolute http(s) URL, e.g. https://idp.example.com/.well-known/jwks.json');
  }
  const audience = required(env, 'JWT_AUDIENCE', 'the audience (or comma-separated audiences) the tokens are issued for (with JWT_JWKS_URL)')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  const requiredScope = text(env, 'JWT_REQUIRED_SCOPE') ?? 'recordings:read';
  if (/\s/.test(requiredScope)) throw new ConfigError('JWT_REQUIRED_SCOPE', 'one scope, without spaces, e.g. recordings:read');
  return {
    jwksUrl,
    issuer: required(env, 'JWT_ISSUER', 'the issuer (`iss`) of the tokens, e.g. https://idp.example.com/ (with JWT_JWKS_URL)'),
    audience,
    requiredScope,
  };
}

function apolloGraphRef(env: Env): string | undefined {
  if (text(env, 'APOLLO_SCHEMA_REPORTING')?.toLowerCase() === 'true') {
    throw new ConfigError('APOLLO_SCHEMA_REPORTING', 'unset: schema reporting does not support subgraphs; publish with `rover subgraph publish`');
  }
  const graphRef = text(env, 'APOLLO_GRAPH_REF');
  if (graphRef !== undefined && !/^[A-Za-z0-9_-]+(@[A-Za-z0-9_.\/-]+)?$/.test(graphRef)) {
    throw new ConfigError('APOLLO_GRAPH_REF', 'graph-id@variant, e.g. my-supergraph@production');
  }
  return graphRef;
}

function redisUrl(env: Env): string | undefined {
  const raw = text(env, 'REDIS_URL');
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
    throw new ConfigError('REDIS_URL', 'a redis:// or rediss:// URL, e.g. redis://redis:6379/0');
  }
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env, nodeEnv: string): string {
  const level = text(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!LOG_LEVELS.includes(level)) throw new ConfigError('LOG_LEVEL', LOG_LEVELS.join(', '));
  return level;
}
