import type { Redis } from 'ioredis'
import { redisKeyPrefix } from '#queues/redis_connection'

/** What a channels process holds while it owns an instance. */
export interface Lease {
  instanceId: number
  /** Fencing token: grows with every acquisition, so a newer owner always has a larger one. */
  token: number
  /** Value stored under the lease key: owner id and token. */
  value: string
}

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0`

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`

function leaseKey(instanceId: number) {
  return `${redisKeyPrefix()}:channels:lease:${instanceId}`
}

function fenceKey(instanceId: number) {
  return `${redisKeyPrefix()}:channels:fence:${instanceId}`
}

/**
 * Leases of channel instances in Redis: `SET NX PX` takes a free lease, a
 * compare-and-expire script renews it, a compare-and-delete script releases
 * it. An owner that stops renewing (a crash, a frozen event loop) loses the
 * lease after `ttlMs`, and another process may take it.
 */
export class InstanceLeases {
  constructor(
    private redis: Redis,
    /** Identifies this process in lease values, for logs and `holder`. */
    private ownerId: string,
    /** Lifetime of a lease without renewal, in milliseconds. */
    readonly ttlMs: number
  ) {}

  /** Takes the instance's lease if no one holds it; `null` otherwise. */
  async acquire(instanceId: number): Promise<Lease | null> {
    if (await this.redis.exists(leaseKey(instanceId))) {
      return null
    }
    const token = await this.redis.incr(fenceKey(instanceId))
    const value = `${this.ownerId}:${token}`
    const taken = await this.redis.set(leaseKey(instanceId), value, 'PX', this.ttlMs, 'NX')
    return taken === 'OK' ? { instanceId, token, value } : null
  }

  /** Extends the lease by `ttlMs`; `false` when it expired or another owner holds it. */
  async renew(lease: Lease) {
    const result = await this.redis.eval(
      RENEW,
      1,
      leaseKey(lease.instanceId),
      lease.value,
      this.ttlMs
    )
    return Number(result) === 1
  }

  async release(lease: Lease) {
    await this.redis.eval(RELEASE, 1, leaseKey(lease.instanceId), lease.value)
  }
}

/** The value of the instance's lease (`<owner>:<token>`), or `null` when no process owns it. */
export function leaseHolder(redis: Redis, instanceId: number) {
  return redis.get(leaseKey(instanceId))
}
