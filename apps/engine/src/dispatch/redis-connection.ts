import { Redis } from 'ioredis';

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` so
 * blocking commands survive reconnects instead of failing the worker.
 */
export function redisConnection(url: string, purpose: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: `parley-${purpose}`, lazyConnect: false });
}
