/** The operational variables of loadConfig: defaults, production defaults, one-line errors without values. */
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, type Env } from '../../src/config.js';

/** Production needs a CC platform (the simulator never serves it). */
const PRODUCTION: Env = {
  NODE_ENV: 'production',
  CCFS_BASE_URL: 'https://10.1.2.3:28090',
  CCFS_AK: 'ak',
  CCFS_SK: 'sk',
  MEDIA_LINK_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

describe('operational configuration', () => {
  it('has safe defaults outside production', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      routerSecret: undefined,
      jwt: undefined,
      graphql: { introspection: true, sandbox: true, maxDepth: 12, maxQueryBytes: 32768, maxBodyBytes: 1048576 },
      apolloGraphRef: undefined,
      shutdownGraceSeconds: 25,
      redisUrl: undefined,
      logLevel: 'info',
    });
  });

  it('turns introspection and the Sandbox off in production unless enabled', () => {
    expect(loadConfig(PRODUCTION).graphql).toMatchObject({ introspection: false, sandbox: false });
    expect(loadConfig({ ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true', GRAPHQL_SANDBOX: '1' }).graphql).toMatchObject({
      introspection: true,
      sandbox: true,
    });
  });

  it('reads the caller-trust, Studio, shutdown and Redis variables', () => {
    const config = loadConfig({
      ROUTER_SECRET: 's'.repeat(32),
      JWT_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json',
      JWT_ISSUER: 'https://idp.example.com/',
      JWT_AUDIENCE: 'cc-media, supergraph',
      APOLLO_GRAPH_REF: 'cc-supergraph@production',
      SHUTDOWN_GRACE_SECONDS: '5',
      REDIS_URL: 'rediss://:pw@redis.internal:6380/2',
      LOG_LEVEL: 'debug',
    });
    expect(config.routerSecret).toBe('s'.repeat(32));
    expect(config.jwt).toEqual({
      jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
      issuer: 'https://idp.example.com/',
      audience: ['cc-media', 'supergraph'],
      requiredScope: 'recordings:read',
    });
    expect(config).toMatchObject({ apolloGraphRef: 'cc-supergraph@production', shutdownGraceSeconds: 5, logLevel: 'debug' });
    expect(config.redisUrl).toBe('rediss://:pw@redis.internal:6380/2');
  });

  it.each<[Env, string]>([
    [{ ROUTER_SECRET: 'short-secret' }, 'ROUTER_SECRET'],
    [{ JWT_JWKS_URL: 'https://idp.example.com/jwks', JWT_AUDIENCE: 'a' }, 'JWT_ISSUER'],
    [{ JWT_JWKS_URL: 'https://idp.example.com/jwks', JWT_ISSUER: 'i' }, 'JWT_AUDIENCE'],
    [{ JWT_ISSUER: 'https://idp.example.com/' }, 'JWT_JWKS_URL'],
    [{ JWT_JWKS_URL: 'ftp://idp.example.com/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' }, 'JWT_JWKS_URL'],
    [{ JWT_JWKS_URL: 'https://idp/jwks', JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_REQUIRED_SCOPE: 'a b' }, 'JWT_REQUIRED_SCOPE'],
    [{ GRAPHQL_INTROSPECTION: 'yes' }, 'GRAPHQL_INTROSPECTION'],
    [{ GRAPHQL_MAX_DEPTH: '0' }, 'GRAPHQL_MAX_DEPTH'],
    [{ GRAPHQL_MAX_BODY_BYTES: '1mb' }, 'GRAPHQL_MAX_BODY_BYTES'],
    [{ APOLLO_GRAPH_REF: 'not a graph ref' }, 'APOLLO_GRAPH_REF'],
    [{ APOLLO_SCHEMA_REPORTING: 'true' }, 'APOLLO_SCHEMA_REPORTING'],
    [{ SHUTDOWN_GRACE_SECONDS: '-1' }, 'SHUTDOWN_GRACE_SECONDS'],
    [{ REDIS_URL: 'http://secret-host:6379' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
  ])('refuses %p naming %s, without echoing the value', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
    expect((error as ConfigError).message).not.toContain('short-secret');
    expect((error as ConfigError).message).not.toContain('secret-host');
  });
});
