/**
 * The playback token cache in Redis (REDIS_URL), shared by every replica: a token one replica got
 * from requestPlayVoice is reused by the others instead of asking CC-FS again.
 *
 * - Same rules as the in-memory cache (token-cache.ts): reused only while more than the
 *   margin of its life is left; the Redis TTL ends at that point.
 * - Keys are hashes of the CC-FS account and the file name, so neither names nor accounts appear in
 *   Redis, and deployments that share a Redis but not a CC platform do not mix.
 * - Redis is an optimisation, never a dependency: when it is down or slow a lookup is a miss and a
 *   store is skipped (commands fail fast rather than queue), and the request goes on.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PlayVoiceGrant } from '../../cc/types.js';
import type { CcfsConfig } from '../../config.js';
import { reuseMarginMs, type TokenCache } from './token-cache.js';
import type { Logger } from '../../observability/logger.js';
import { openRedisConnection } from '../../redis/redis-connection.js';

const KEY_PREFIX = 'cc-media-subgraph:playback-token:';

/** Tokens belong to one CC-FS and one developer account. */
export function tokenCacheNamespace(ccfs: CcfsConfig): string {
  return `${ccfs.baseUrl}\n${ccfs.accessKey}`;
}

export interface RedisTokenCacheOptions {
  url: string;
  /** Separates CC platforms and accounts sharing one Redis (tokenCacheNamespace). */
  namespace: string;
  logger: Logger;
  reuseMarginSeconds?: number;
  /** Per command; past it the lookup counts as a miss. Default 500 ms. */
  commandTimeoutMs?: number;
  now?: () => number;
}

export interface RedisTokenCache extends TokenCache {
  /** Resolves once connected (rejects when Redis cannot be reached within the connect timeout). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Deletes KEYS[1] only while it still holds the token ARGV[1]; returns how many keys it deleted. */
const FORGET_IF_TOKEN_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, stored = pcall(cjson.decode, raw)
if ok and type(stored) == 'table' and stored.token == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** ioredis adds commands defined with defineCommand as methods (EVALSHA, falling back to EVAL). */
type GrantRedis = Redis & { forgetGrant(key: string, token: string): Promise<number> };

interface StoredGrant {
  token: string;
  expiresAt: string;
}

function isStoredGrant(value: unknown): value is StoredGrant {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StoredGrant).token === 'string' &&
    typeof (value as StoredGrant).expiresAt === 'string'
  );
}

export function createRedisTokenCache(options: RedisTokenCacheOptions): RedisTokenCache {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const marginMs = reuseMarginMs(options.reuseMarginSeconds);
  let lastWarning = 0;
  const warn = (operation: string, error: unknown) => {
    // One line per 30 s at most: a Redis outage must not flood the logs.
    if (now() - lastWarning < 30_000) return;
    lastWarning = now();
    logger.warn({ operation, errorName: error instanceof Error ? error.name : 'unknown' }, 'redis token cache unavailable; using the CC-FS directly');
  };
  const { redis, connecting } = openRedisConnection<GrantRedis>(options.url, {
    commandTimeoutMs: options.commandTimeoutMs ?? 500,
    onError: (error) => warn('connection', error),
  });
  redis.defineCommand('forgetGrant', { numberOfKeys: 1, lua: FORGET_IF_TOKEN_LUA });

  const redisKey = (key: string) =>
    KEY_PREFIX + createHash('sha256').update(options.namespace).update('\0').update(key).digest('base64url');

  return {
    async get(key) {
      let raw: string | null;
      try {
        raw = await redis.get(redisKey(key));
      } catch (error) {
        warn('get', error);
        return undefined;
      }
      if (raw === null) return undefined;
      let stored: unknown;
      try {
        stored = JSON.parse(raw);
      } catch {
        return undefined;
      }
      if (!isStoredGrant(stored)) return undefined;
      const grant: PlayVoiceGrant = { token: stored.token, expiresAt: new Date(stored.expiresAt) };
      return grant.expiresAt.getTime() - now() > marginMs ? grant : undefined;
    },

    async set(key, grant) {
      const reusableMs = Math.floor(grant.expiresAt.getTime() - now() - marginMs);
      if (reusableMs <= 0) return;
      const stored: StoredGrant = { token: grant.token, expiresAt: grant.expiresAt.toISOString() };
      try {
        await redis.set(redisKey(key), JSON.stringify(stored), 'PX', reusableMs);
      } catch (error) {
        warn('set', error);
      }
    },

    async forget(key, token) {
      // Compare-and-delete in one script (Redis runs it atomically): a fresh token that another
      // replica stored meanwhile is never deleted along with the refused one.
      try {
        await redis.forgetGrant(redisKey(key), token);
      } catch (error) {
        warn('forget', error);
      }
    },

    ready: () => connecting.then(() => undefined),

    async close() {
      // QUIT only over a live connection; otherwise stop the reconnect loop at once.
      if (redis.status === 'ready') {
        try {
          await redis.quit();
          return;
        } catch {
          // fall through
        }
      }
      redis.disconnect();
    },
  };
}
