/**
 * Agent leases in Redis (REDIS_URL): one key per agent holding the lease as JSON, with the lease
 * time as the key's TTL (Redis's own clock, so replicas' clocks do not matter). Taking is
 * `SET NX PX`; renewing and giving back compare the holder and act in one Lua script, so a replica
 * never extends or deletes a lease another replica took after its own had expired.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { openRedisConnection } from '../redis/redis-connection.js';
import type { AgentLease, LeaseHolder, LeaseStore } from './lease-store.js';

const KEY_PREFIX = 'cc-media-subgraph:agent-lease:';

/** KEYS[1] lease; ARGV[1] holder id, ARGV[2] new value, ARGV[3] ttl ms. 1 renewed or retaken, 0 held by another. */
const RENEW_LUA = `
local raw = redis.call('GET', KEYS[1])
if raw then
  local ok, lease = pcall(cjson.decode, raw)
  if not ok or type(lease) ~= 'table' or lease.holderId ~= ARGV[1] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

/** KEYS[1] lease; ARGV[1] holder id. Deletes only the holder's own lease. */
const RELEASE_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, lease = pcall(cjson.decode, raw)
if ok and type(lease) == 'table' and lease.holderId == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type LeaseRedis = Redis & {
  renewLease(key: string, holderId: string, value: string, ttlMs: number): Promise<number>;
  releaseLease(key: string, holderId: string): Promise<number>;
};

export interface RedisLeaseStoreOptions {
  url: string;
  /** Separates CC-Gateways sharing one Redis: leases are per gateway and agent (the gateway's URL). */
  namespace: string;
  /** Per command. Default 2000 ms. */
  commandTimeoutMs?: number;
}

function isLeaseHolder(value: unknown): value is LeaseHolder {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LeaseHolder).holderId === 'string' &&
    typeof (value as LeaseHolder).relayUrl === 'string' &&
    typeof (value as LeaseHolder).ready === 'boolean'
  );
}

export function createRedisLeaseStore(options: RedisLeaseStoreOptions): LeaseStore & { ready(): Promise<void> } {
  // A lease operation that cannot reach Redis fails now; the pool tries again on its next round.
  // Errors surface on the commands; the connection's own events would only repeat them.
  const { redis, connecting } = openRedisConnection<LeaseRedis>(options.url, { commandTimeoutMs: options.commandTimeoutMs ?? 2000 });
  redis.defineCommand('renewLease', { numberOfKeys: 1, lua: RENEW_LUA });
  redis.defineCommand('releaseLease', { numberOfKeys: 1, lua: RELEASE_LUA });

  const scope = createHash('sha256').update(options.namespace).digest('base64url').slice(0, 16);
  const keyOf = (agentId: string) => `${KEY_PREFIX}${scope}:${agentId}`;
  const value = (holder: LeaseHolder) => JSON.stringify({ holderId: holder.holderId, relayUrl: holder.relayUrl, ready: holder.ready });

  return {
    kind: 'redis',
    ready: () => connecting.then(() => undefined),

    async acquire(agentIds, holder, ttlMs) {
      for (const agentId of agentIds) {
        const taken = await redis.set(keyOf(agentId), value(holder), 'PX', ttlMs, 'NX');
        if (taken === 'OK') return agentId;
      }
      return undefined;
    },

    async renew(agentId, holder, ttlMs) {
      return (await redis.renewLease(keyOf(agentId), holder.holderId, value(holder), ttlMs)) === 1;
    },

    async release(agentId, holderId) {
      await redis.releaseLease(keyOf(agentId), holderId);
    },

    async leases(agentIds) {
      if (agentIds.length === 0) return [];
      const raws = await redis.mget(...agentIds.map(keyOf));
      const leases: AgentLease[] = [];
      raws.forEach((raw, index) => {
        if (raw === null) return;
        try {
          const parsed: unknown = JSON.parse(raw);
          if (isLeaseHolder(parsed)) leases.push({ agentId: agentIds[index]!, holderId: parsed.holderId, relayUrl: parsed.relayUrl, ready: parsed.ready });
        } catch {
          // not a lease of ours: ignored
        }
      });
      return leases;
    },

    async close() {
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
