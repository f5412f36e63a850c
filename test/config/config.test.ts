/**
 * Configuration (README, Configuration): defaults, and every malformed or missing variable refused with one
 * line that names the variable and what it should hold, never echoing a secret.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callbackKeys, ConfigError, loadConfig, type Env } from '../../src/config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const REAL: Env = {
  CCFS_BASE_URL: 'https://10.1.2.3:28090',
  CCFS_AK: 'ak',
  CCFS_SK: 'super-secret-sk',
  MEDIA_LINK_KEYS: `k1:${KEY}`,
};

function refusal(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted a bad configuration');
}

describe('loadConfig', () => {
  it('has the contract defaults and simulator mode with no variables', () => {
    const config = loadConfig({});
    expect(config.simulator).toBe(true);
    expect(config.port).toBe(4001);
    expect(config.publicBaseUrl).toBe('http://localhost:4001');
    expect(config.mediaLinkTtlSeconds).toBe(900);
    expect(config.mediaLinkMaxTtlSeconds).toBe(3600);
    expect(config.ccTimeZone).toBe('UTC');
    expect(config.ccMaxConcurrency).toBe(8);
    expect(config.playbackTokenReuseMarginSeconds).toBe(300);
    expect(config.ccfs).toBeUndefined();
    expect(config.gateway).toBeUndefined();
  });

  it('reads a real platform configuration', () => {
    const config = loadConfig({
      ...REAL,
      PORT: '8080',
      PUBLIC_BASE_URL: 'https://media.example.com/',
      CC_GATEWAY_BASE_URL: 'https://10.1.2.3:8043',
      CC_GATEWAY_AGENT_ID: '4977',
      CC_GATEWAY_PASSWORD: 'pw',
      CC_GATEWAY_PHONE: '40038',
      MEDIA_LINK_KEYS: `k2:${KEY},k1:${Buffer.alloc(32, 1).toString('base64')}`,
      CC_TIME_ZONE: 'Asia/Shanghai',
      CC_MAX_CONCURRENCY: '16',
      CC_TLS_SERVERNAME: 'ccfs.cc.internal',
    });
    expect(config.simulator).toBe(false);
    expect(config.publicBaseUrl).toBe('https://media.example.com');
    expect(config.ccfs).toEqual({ baseUrl: 'https://10.1.2.3:28090', accessKey: 'ak', secretKey: 'super-secret-sk' });
    expect(config.gateway?.agentId).toBe('4977');
    expect(config.mediaLinkKeys.map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(config.tls.serverName).toBe('ccfs.cc.internal');
    expect(config.ccMaxConcurrency).toBe(16);
  });

  const cases: Array<[string, Env, string]> = [
    ['PORT', { PORT: 'eighty' }, 'PORT'],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'media.example.com' }, 'PUBLIC_BASE_URL'],
    ['CCFS_BASE_URL', { ...REAL, CCFS_BASE_URL: 'ftp://x' }, 'CCFS_BASE_URL'],
    ['CCFS_AK missing', { ...REAL, CCFS_AK: '' }, 'CCFS_AK'],
    ['CCFS_SK missing', { ...REAL, CCFS_SK: undefined }, 'CCFS_SK'],
    ['gateway without CC-FS', { CC_GATEWAY_BASE_URL: 'https://10.1.2.3:8043' }, 'CCFS_BASE_URL'],
    ['gateway agent', { ...REAL, CC_GATEWAY_BASE_URL: 'https://g:8043', CC_GATEWAY_AGENT_ID: '12', CC_GATEWAY_PASSWORD: 'p', CC_GATEWAY_PHONE: '1' }, 'CC_GATEWAY_AGENT_ID'],
    ['gateway password', { ...REAL, CC_GATEWAY_BASE_URL: 'https://g:8043', CC_GATEWAY_AGENT_ID: '4977', CC_GATEWAY_PHONE: '1' }, 'CC_GATEWAY_PASSWORD'],
    ['keys missing outside simulator', { ...REAL, MEDIA_LINK_KEYS: undefined }, 'MEDIA_LINK_KEYS'],
    ['short key', { ...REAL, MEDIA_LINK_KEYS: 'k1:c2hvcnQ=' }, 'MEDIA_LINK_KEYS'],
    ['duplicate kid', { ...REAL, MEDIA_LINK_KEYS: `k1:${KEY},k1:${KEY}` }, 'MEDIA_LINK_KEYS'],
    ['ttl over max', { MEDIA_LINK_TTL_SECONDS: '7200' }, 'MEDIA_LINK_TTL_SECONDS'],
    ['max ttl', { MEDIA_LINK_MAX_TTL_SECONDS: '0' }, 'MEDIA_LINK_MAX_TTL_SECONDS'],
    ['time zone', { CC_TIME_ZONE: 'Mars/Olympus' }, 'CC_TIME_ZONE'],
    ['concurrency', { CC_MAX_CONCURRENCY: '0' }, 'CC_MAX_CONCURRENCY'],
    ['token reuse margin', { PLAYBACK_TOKEN_REUSE_MARGIN_SECONDS: '60' }, 'PLAYBACK_TOKEN_REUSE_MARGIN_SECONDS'],
    ['CA file missing', { CC_TLS_CA_FILE: '/nonexistent/ca.pem' }, 'CC_TLS_CA_FILE'],
    ['DATABASE_URL not PostgreSQL', { DATABASE_URL: 'mysql://u:super-secret-sk@db/x' }, 'DATABASE_URL'],
    ['DATABASE_URL not a URL', { DATABASE_URL: 'postgres:/nohost' }, 'DATABASE_URL'],
    ['CC_CALLBACK_URL', { CC_CALLBACK_URL: 'callback.example.com/cc/callback' }, 'CC_CALLBACK_URL'],
    ['CC_CALLBACK_SK without AK', { CC_CALLBACK_SK: 'super-secret-sk' }, 'CC_CALLBACK_AK'],
    ['CC_CALLBACK_AK without SK', { CC_CALLBACK_AK: 'cb' }, 'CC_CALLBACK_SK'],
    ['interval', { RECORDING_INDEX_INTERVAL_SECONDS: '-5' }, 'RECORDING_INDEX_INTERVAL_SECONDS'],
    ['start without a zone', { RECORDING_INDEX_START: '2026-11-01T00:00:00' }, 'RECORDING_INDEX_START'],
    ['start not a date', { RECORDING_INDEX_START: 'yesterday' }, 'RECORDING_INDEX_START'],
    ['overlap of 3 days', { RECORDING_INDEX_OVERLAP_SECONDS: String(3 * 86400) }, 'RECORDING_INDEX_OVERLAP_SECONDS'],
    ['callback wait', { CC_CALLBACK_WAIT_SECONDS: '1.5' }, 'CC_CALLBACK_WAIT_SECONDS'],
    ['unzipped limit', { RECORDING_INDEX_MAX_UNZIPPED_MB: '0' }, 'RECORDING_INDEX_MAX_UNZIPPED_MB'],
  ];

  it('has the recording-index defaults of the contract', () => {
    const config = loadConfig(REAL);
    expect(config.database).toEqual({ url: undefined, dataDir: './data' });
    expect(config.callback).toEqual({ url: 'http://localhost:4001/cc/callback', accessKey: undefined, secretKey: undefined });
    expect(callbackKeys(config)).toEqual({ accessKey: 'ak', secretKey: 'super-secret-sk' });
    expect(config.recordingIndex).toEqual({ intervalSeconds: 600, start: undefined, overlapSeconds: 3600, callbackWaitSeconds: 120, maxUncompressedBytes: 1024 * 1024 * 1024 });
    // Simulator mode: every few seconds, so that `npm start` has the sample index at once.
    expect(loadConfig({}).recordingIndex.intervalSeconds).toBe(5);
  });

  it('reads the recording-index variables', () => {
    const config = loadConfig({
      ...REAL,
      PUBLIC_BASE_URL: 'https://media.example.com',
      DATABASE_URL: 'postgres://cc:pw@db.internal:5432/ccmedia',
      DATA_DIR: '/var/lib/cc-media',
      CC_CALLBACK_AK: 'cb-ak',
      CC_CALLBACK_SK: 'cb-sk',
      RECORDING_INDEX_INTERVAL_SECONDS: '0',
      RECORDING_INDEX_START: '2026-11-01T08:00:00+08:00',
      RECORDING_INDEX_OVERLAP_SECONDS: '900',
      CC_CALLBACK_WAIT_SECONDS: '30',
    });
    expect(config.database).toEqual({ url: 'postgres://cc:pw@db.internal:5432/ccmedia', dataDir: '/var/lib/cc-media' });
    expect(config.callback.url).toBe('https://media.example.com/cc/callback');
    expect(callbackKeys(config)).toEqual({ accessKey: 'cb-ak', secretKey: 'cb-sk' });
    expect(config.recordingIndex).toMatchObject({ intervalSeconds: 0, overlapSeconds: 900, callbackWaitSeconds: 30 });
    expect(config.recordingIndex.start?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it.each(cases)('refuses %s with a message naming the variable', (_name, env, variable) => {
    const error = refusal(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('super-secret-sk');
    expect(error.message).not.toContain(KEY);
  });

  it('refuses a CA file that is not PEM', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-config-'));
    const file = join(dir, 'ca.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    expect(refusal({ CC_TLS_CA_FILE: file }).variable).toBe('CC_TLS_CA_FILE');
  });
});

describe('NODE_ENV=production', () => {
  it('never falls back to the simulator: an unset CCFS_BASE_URL is a missing variable', () => {
    for (const env of [{ NODE_ENV: 'production' }, { NODE_ENV: 'production', CC_GATEWAY_BASE_URL: 'https://10.1.2.3:8043' }]) {
      const error = refusal(env);
      expect(error.variable).toBe('CCFS_BASE_URL');
      expect(error.message).toMatch(/^CCFS_BASE_URL: required with NODE_ENV=production/);
    }
    expect(loadConfig({ ...REAL, NODE_ENV: 'production' }).simulator).toBe(false);
  });
});

describe('npm start with a bad configuration', () => {
  it('stops at once with one line naming the variable, and a non-zero exit', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, ...REAL, CCFS_AK: '', NODE_ENV: 'test' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/CCFS_AK/);
    expect(result.stderr + result.stdout).not.toContain('super-secret-sk');
  });

  it('does not start the simulator in production: CCFS_BASE_URL is named, nothing listens', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', CCFS_SK: 'super-secret-sk', MEDIA_LINK_KEYS: `k1:${KEY}`, PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Configuration error: CCFS_BASE_URL: required with NODE_ENV=production/)]);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('super-secret-sk');
    expect(result.stderr).not.toContain(KEY);
  });
});
