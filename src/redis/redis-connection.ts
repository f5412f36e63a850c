/**
 * One way to open the shared Redis (REDIS_URL) for the token cache and the agent leases: a command
 * that cannot reach Redis fails at once (no offline queue, one try) instead of queueing behind an
 * outage, and the connection keeps reconnecting in the background, at most every 5 s.
 */
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisConnectionOptions {
  /** How long one command may take before it fails (the callers fall back or retry). */
  commandTimeoutMs: number;
  /** The connection's own errors (they also fail the commands that meet them). */
  onError?: (error: unknown) => void;
}

export interface RedisConnection<R extends Redis = Redis> {
  redis: R;
  /** Settles once the first connection is up (rejects if it could not be made). */
  connecting: Promise<void>;
}

export function openRedisConnection<R extends Redis = Redis>(url: string, options: RedisConnectionOptions): RedisConnection<R> {
  const redisOptions: RedisOptions & { disconnectTimeout: number } = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    // ioredis' default (2 s, missing from its typings) keeps a closed process alive when Redis was already gone.
    disconnectTimeout: 100,
  };
  const redis = new Redis(url, redisOptions) as R;
  redis.on('error', options.onError ?? (() => undefined));
  const connecting = redis.connect();
  connecting.catch((error: unknown) => options.onError?.(error));
  return { redis, connecting };
}
