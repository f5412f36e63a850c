/**
 * The scale-out variables. CC_GATEWAY_AGENTS, CC_GATEWAY_LEASE_SECONDS and INTERNAL_BASE_URL: the pool is read in order, the
 * single-agent variables remain a pool of one, and every refusal names the variable and the entry
 * by position without ever quoting a password.
 */
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, type Env } from '../../src/config.js';

const BASE: Env = {
  CCFS_BASE_URL: 'https://10.1.2.3:28090',
  CCFS_AK: 'ak',
  CCFS_SK: 'sk',
  MEDIA_LINK_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  CC_GATEWAY_BASE_URL: 'https://10.1.2.3:8043',
};

function refusal(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('CC_GATEWAY_AGENTS', () => {
  it('reads a pool in order; a password may hold colons; commas or newlines separate entries', () => {
    const config = loadConfig({ ...BASE, CC_GATEWAY_AGENTS: ' 4977:pw-one:40038,\n4978:pw:with:colons:40039\n' });
    expect(config.gateway?.agents).toEqual([
      { agentId: '4977', password: 'pw-one', phone: '40038' },
      { agentId: '4978', password: 'pw:with:colons', phone: '40039' },
    ]);
    expect(config.gateway).toMatchObject({ agentId: '4977', password: 'pw-one', phone: '40038' });
  });

  it('keeps the single-agent variables as a pool of one', () => {
    const config = loadConfig({ ...BASE, CC_GATEWAY_AGENT_ID: '4977', CC_GATEWAY_PASSWORD: 'pw', CC_GATEWAY_PHONE: '40038' });
    expect(config.gateway?.agents).toEqual([{ agentId: '4977', password: 'pw', phone: '40038' }]);
  });

  it.each<[string, Env, RegExp]>([
    ['a bad id', { CC_GATEWAY_AGENTS: '4977:secret-1:1,99:secret-2:2' }, /^CC_GATEWAY_AGENTS: entry 2: the agent id/],
    ['no phone', { CC_GATEWAY_AGENTS: '4977:secret-1' }, /^CC_GATEWAY_AGENTS: entry 1 is not id:password:phone/],
    ['an empty password', { CC_GATEWAY_AGENTS: '4977::40038' }, /^CC_GATEWAY_AGENTS: entry 1: the password/],
    ['a password over 32 characters', { CC_GATEWAY_AGENTS: `4977:${'s'.repeat(33)}:40038` }, /^CC_GATEWAY_AGENTS: entry 1: the password/],
    ['an agent twice', { CC_GATEWAY_AGENTS: '4977:secret-1:1,4977:secret-2:2' }, /^CC_GATEWAY_AGENTS: each agent id at most once/],
    ['both forms', { CC_GATEWAY_AGENTS: '4977:secret-1:1', CC_GATEWAY_AGENT_ID: '4977' }, /^CC_GATEWAY_AGENTS: set either/],
    ['no entry', { CC_GATEWAY_AGENTS: ' , ' }, /^CC_GATEWAY_AGENTS: id:password:phone entries/],
  ])('refuses %s, naming the variable and never a password', (_name, env, message) => {
    const error = refusal({ ...BASE, ...env });
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/secret|sss/);
  });

  it('needs CC_GATEWAY_BASE_URL', () => {
    const { CC_GATEWAY_BASE_URL: _gateway, ...withoutGateway } = BASE;
    expect(refusal({ ...withoutGateway, CC_GATEWAY_AGENTS: '4977:secret:1' }).variable).toBe('CC_GATEWAY_BASE_URL');
  });

  it('reads the lease time (3–600 s, default 30) and INTERNAL_BASE_URL', () => {
    expect(loadConfig({}).agentLeaseSeconds).toBe(30);
    expect(loadConfig({}).internalBaseUrl).toBeUndefined();
    const config = loadConfig({ CC_GATEWAY_LEASE_SECONDS: '10', INTERNAL_BASE_URL: 'http://10.0.0.5:4001/' });
    expect(config.agentLeaseSeconds).toBe(10);
    expect(config.internalBaseUrl).toBe('http://10.0.0.5:4001');
    expect(refusal({ CC_GATEWAY_LEASE_SECONDS: '2' }).variable).toBe('CC_GATEWAY_LEASE_SECONDS');
    expect(refusal({ INTERNAL_BASE_URL: '10.0.0.5:4001' }).variable).toBe('INTERNAL_BASE_URL');
  });

  it('reads REDIS_COMMAND_TIMEOUT_MS (50–10000, default 500)', () => {
    expect(loadConfig({}).redisCommandTimeoutMs).toBe(500);
    expect(loadConfig({ REDIS_COMMAND_TIMEOUT_MS: '2000' }).redisCommandTimeoutMs).toBe(2000);
    expect(refusal({ REDIS_COMMAND_TIMEOUT_MS: '10' }).variable).toBe('REDIS_COMMAND_TIMEOUT_MS');
  });
});
