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

export interface GatewayAgentCredentials {
  agentId: string;
  password: string;
  phone: string;
}

export interface GatewayConfig extends GatewayAgentCredentials {
  baseUrl: string;
  /**
   * The service-agent pool: CC_GATEWAY_AGENTS, or the single agent of CC_GATEWAY_AGENT_ID /
   * _PASSWORD / _PHONE as a pool of one. The first is also the agent of the fields above.
   */
  agents: GatewayAgentCredentials[];
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

export interface DatabaseConfig {
  /** PostgreSQL (`postgres://…`); undefined: the embedded SQLite file in `dataDir`. */
  url: string | undefined;
  /** Where the embedded database keeps its files. */
  dataDir: string;
}

export interface CallbackConfig {
  /** The `callBackURL` given to the CC-FS; it must reach POST /cc/callback of this server. */
  url: string;
  /** Keys the CC-FS signs its callbacks with; undefined here means "the CC-FS keys" (see callbackKeys). */
  accessKey: string | undefined;
  secretKey: string | undefined;
}

export interface RecordingIndexConfig {
  /** How often a new window is asked for; 0 turns ingestion off. */
  intervalSeconds: number;
  /** Where the first window starts; undefined: 24 hours before the first start (kept in the database). */
  start: Date | undefined;
  /** Each window starts this far before the previous one ended. */
  overlapSeconds: number;
  /** How long to wait for a callback before trying the expected file name directly. */
  callbackWaitSeconds: number;
  /** A recording-index zip that inflates past this is refused (and its window asked again later). */
  maxUncompressedBytes: number;
}

export interface Config {
  port: number;
  /** Without a trailing slash. */
  publicBaseUrl: string;
  /**
   * True when no CC variable is set (never with NODE_ENV=production): main.ts starts the embedded
   * simulator and fills in ccfs/gateway.
   */
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
  /**
   * How long an idle keep-alive connection stays open: above a router's or load balancer's own idle
   * timeout, so that the router always closes first and never reuses a socket this server is closing.
   */
  httpKeepAliveTimeoutSeconds: number;
  /** A cached playback token is reused while it has more than this left (5–25 minutes). */
  playbackTokenReuseMarginSeconds: number;
  /** Shares the playback token cache among replicas (redis:// or rediss://). */
  redisUrl: string | undefined;
  /** A token cache lookup that Redis has not answered within this counts as a miss. */
  redisCommandTimeoutMs: number;
  /** How long a replica's claim on a pool agent lasts without being renewed (renewed every third of it). */
  agentLeaseSeconds: number;
  /** How the other replicas reach this one (gateway downloads relayed to the agent holder); undefined: this host's address. */
  internalBaseUrl: string | undefined;
  logLevel: string;
  database: DatabaseConfig;
  callback: CallbackConfig;
  recordingIndex: RecordingIndexConfig;
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

  const nodeEnv = text(env, 'NODE_ENV') ?? 'development';
  const production = nodeEnv === 'production';

  const ccfsUrl = text(env, 'CCFS_BASE_URL');
  const gatewayUrl = text(env, 'CC_GATEWAY_BASE_URL');
  // The embedded simulator (with its built-in credentials) is a development convenience only.
  if (production && ccfsUrl === undefined) {
    throw new ConfigError('CCFS_BASE_URL', 'required with NODE_ENV=production (the simulator never serves production): the CC-FS URL, e.g. https://10.1.2.3:28090');
  }
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

  const gateway: GatewayConfig | undefined = gatewayUrl === undefined ? noGatewayAgents(env) : gatewayConfig(env, gatewayUrl);

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
    // Up to 290 s: the headers timeout (1 s above) must stay below Node's 300 s request timeout.
    httpKeepAliveTimeoutSeconds: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 65, 1, 290),
    playbackTokenReuseMarginSeconds: integer(env, 'PLAYBACK_TOKEN_REUSE_MARGIN_SECONDS', 300, 300, 1500),
    redisUrl: redisUrl(env),
    redisCommandTimeoutMs: integer(env, 'REDIS_COMMAND_TIMEOUT_MS', 500, 50, 10_000),
    agentLeaseSeconds: integer(env, 'CC_GATEWAY_LEASE_SECONDS', 30, 3, 600),
    internalBaseUrl: optionalHttpUrl(env, 'INTERNAL_BASE_URL'),
    logLevel: logLevel(env, nodeEnv),
    database: { url: databaseUrl(env), dataDir: text(env, 'DATA_DIR') ?? './data' },
    callback: callbackConfig(env, publicBaseUrl),
    recordingIndex: {
      // In simulator mode the sample index is ingested within seconds of `npm start`.
      intervalSeconds: integer(env, 'RECORDING_INDEX_INTERVAL_SECONDS', simulator ? 5 : 600, 0, 7 * 24 * 3600),
      start: recordingIndexStart(env),
      overlapSeconds: integer(env, 'RECORDING_INDEX_OVERLAP_SECONDS', 3600, 0, 3 * 24 * 3600 - 60),
      callbackWaitSeconds: integer(env, 'CC_CALLBACK_WAIT_SECONDS', 120, 0, 7 * 24 * 3600),
      maxUncompressedBytes: integer(env, 'RECORDING_INDEX_MAX_UNZIPPED_MB', 1024, 1, 1024 * 1024) * 1024 * 1024,
    },
  };
}

function gatewayConfig(env: Env, gatewayUrl: string): GatewayConfig {
  const baseUrl = httpUrl(env, 'CC_GATEWAY_BASE_URL', gatewayUrl);
  const pool = text(env, 'CC_GATEWAY_AGENTS');
  if (pool !== undefined) {
    if (['CC_GATEWAY_AGENT_ID', 'CC_GATEWAY_PASSWORD', 'CC_GATEWAY_PHONE'].some((name) => text(env, name) !== undefined)) {
      throw new ConfigError('CC_GATEWAY_AGENTS', 'set either CC_GATEWAY_AGENTS or CC_GATEWAY_AGENT_ID/CC_GATEWAY_PASSWORD/CC_GATEWAY_PHONE, not both');
    }
    const agents = parseGatewayAgents(pool);
    return { baseUrl, ...agents[0]!, agents };
  }
  const single: GatewayAgentCredentials = {
    agentId: agentId(required(env, 'CC_GATEWAY_AGENT_ID', 'the service agent id, 101–999999 (or CC_GATEWAY_AGENTS for a pool)')),
    password: required(env, 'CC_GATEWAY_PASSWORD', "the service agent's password"),
    phone: required(env, 'CC_GATEWAY_PHONE', "the service agent's phone number"),
  };
  return { baseUrl, ...single, agents: [single] };
}

function noGatewayAgents(env: Env): undefined {
  if (text(env, 'CC_GATEWAY_AGENTS') !== undefined) {
    throw new ConfigError('CC_GATEWAY_BASE_URL', 'required with CC_GATEWAY_AGENTS: the CC-Gateway URL, e.g. https://10.1.2.3:8043');
  }
  return undefined;
}

const AGENTS_FORMAT = 'id:password:phone entries separated by commas or newlines, e.g. 4977:pw1:40038,4978:pw2:40039';

/**
 * `id:password:phone[,id:password:phone…]` (commas or newlines between entries). The id is up to the
 * first colon and the phone after the last one, so a password may hold colons (not commas). Errors
 * name the entry by position and never quote it (it holds a password).
 */
export function parseGatewayAgents(raw: string): GatewayAgentCredentials[] {
  const entries = raw
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new ConfigError('CC_GATEWAY_AGENTS', AGENTS_FORMAT);
  const agents = entries.map((entry, index) => {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    const where = `entry ${index + 1}`;
    if (first < 0 || last === first) throw new ConfigError('CC_GATEWAY_AGENTS', `${where} is not id:password:phone (${AGENTS_FORMAT})`);
    const id = entry.slice(0, first).trim();
    const password = entry.slice(first + 1, last);
    const phone = entry.slice(last + 1).trim();
    if (!/^\d{3,6}$/.test(id) || Number(id) < 101 || Number(id) > 999999) {
      throw new ConfigError('CC_GATEWAY_AGENTS', `${where}: the agent id must be a number from 101 to 999999`);
    }
    if (password === '' || password.length > 32) throw new ConfigError('CC_GATEWAY_AGENTS', `${where}: the password must have 1 to 32 characters`);
    if (phone === '' || phone.length > 24) throw new ConfigError('CC_GATEWAY_AGENTS', `${where}: the phone number must have 1 to 24 characters`);
    return { agentId: id, password, phone };
  });
  if (new Set(agents.map((agent) => agent.agentId)).size !== agents.length) {
    throw new ConfigError('CC_GATEWAY_AGENTS', 'each agent id at most once');
  }
  return agents;
}

function optionalHttpUrl(env: Env, name: string): string | undefined {
  const value = text(env, name);
  return value === undefined ? undefined : httpUrl(env, name, value);
}

/** The keys callbacks are verified with: CC_CALLBACK_AK/SK, else the CC-FS developer keys. */
export function callbackKeys(config: Config): { accessKey: string; secretKey: string } | undefined {
  const { accessKey, secretKey } = config.callback;
  if (accessKey !== undefined && secretKey !== undefined) return { accessKey, secretKey };
  return config.ccfs === undefined ? undefined : { accessKey: config.ccfs.accessKey, secretKey: config.ccfs.secretKey };
}

function databaseUrl(env: Env): string | undefined {
  const raw = text(env, 'DATABASE_URL');
  if (raw === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') || parsed.hostname === '') {
    throw new ConfigError('DATABASE_URL', 'a PostgreSQL URL, e.g. postgres://user:password@host:5432/db (unset: embedded SQLite in DATA_DIR)');
  }
  return raw;
}

function callbackConfig(env: Env, publicBaseUrl: string): CallbackConfig {
  const url = httpUrl(env, 'CC_CALLBACK_URL', text(env, 'CC_CALLBACK_URL') ?? `${publicBaseUrl}/cc/callback`);
  const accessKey = text(env, 'CC_CALLBACK_AK');
  const secretKey = text(env, 'CC_CALLBACK_SK');
  if (accessKey !== undefined && secretKey === undefined) {
    throw new ConfigError('CC_CALLBACK_SK', 'required with CC_CALLBACK_AK: the secret key the CC-FS signs its callbacks with');
  }
  if (secretKey !== undefined && accessKey === undefined) {
    throw new ConfigError('CC_CALLBACK_AK', 'required with CC_CALLBACK_SK: the access key the CC-FS signs its callbacks with');
  }
  return { url, accessKey, secretKey };
}

/** ISO-8601 date-time with a zone (`Z` or `±hh:mm`); a bare date or a local time would be ambiguous. */
function recordingIndexStart(env: Env): Date | undefined {
  const raw = text(env, 'RECORDING_INDEX_START');
  if (raw === undefined) return undefined;
  const expected = 'an ISO-8601 date-time with a zone, e.g. 2026-11-01T00:00:00Z or 2026-11-01T08:00:00+08:00';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    throw new ConfigError('RECORDING_INDEX_START', expected);
  }
  const date = new Date(raw);
  if (Number.isNaN(date.getTime()) || date.getTime() < Date.UTC(2000, 0, 1)) throw new ConfigError('RECORDING_INDEX_START', expected);
  return date;
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
