import { CACHE_MANAGER, CacheModule, type CacheOptions } from '@nestjs/cache-manager';
import {
  type DynamicModule,
  Global,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { createClient } from '@redis/client';
import { type Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import type { EnvSchema } from '../config/env.schema.js';
import { AppCache } from './app-cache.js';
import { type Invalidations, LocalInvalidations, RedisInvalidations } from './invalidation-bus.js';
import { LayeredAppCache } from './layered-cache.js';
import { LocalAuthLayer } from './local-layer.js';
import { MemoryAppCache } from './memory-cache.js';
import { RedisAppCache } from './redis-cache.js';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
type RedisClient = ReturnType<typeof createClient>;

// The Redis client libraries are loaded only where there is a Redis to talk to: the embedded default never
// needs them, and loading them took about a tenth of a second of every start.
const redisClientLibrary = () => import('@redis/client');

export async function createRedisClient(url: string): Promise<RedisClient> {
  const { createClient } = await redisClientLibrary();
  const client: RedisClient = createClient({
    url,
    // Fail fast while disconnected: a request must fall back to PostgreSQL, not wait.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 1_000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000),
    },
  });
  client.on('error', () => undefined); // reported by RedisAppCache; an unhandled 'error' would kill the process
  // Not awaited: the service boots (and reports not ready) while Redis is down.
  client.connect().catch(() => undefined);
  return client;
}

/**
 * Keyv over the shared client, with no namespace of Keyv's own: keys in Redis are exactly
 * REDIS_KEY_PREFIX + CacheKeys.*, so raw-client operations (del, counters) and cleanup see the same keys.
 */
export async function keyvRedisStore(client: RedisClient): Promise<Keyv> {
  const { default: KeyvRedis } = await import('@keyv/redis');
  return new Keyv({ store: new KeyvRedis(client as never), namespace: undefined, useKeyPrefix: false });
}

/** Where the cache lives: Redis at `redisUrl` (keys under `keyPrefix`), or in process when no URL is given. */
export interface AppCacheSettings {
  redisUrl?: string;
  keyPrefix?: string;
  /** How long the caller's auth state is kept in process memory (default 5000 ms, 0 for never). */
  localTtlMs?: number;
}

export const DEFAULT_LOCAL_TTL_MS = 5_000;

/** The local auth layer in front of `inner`, told of changes through Redis pub/sub when there is Redis. */
export async function withLocalLayer(
  inner: AppCache,
  client: RedisClient | null,
  settings: AppCacheSettings,
): Promise<LayeredAppCache> {
  const layer = new LocalAuthLayer({ ttlMs: settings.localTtlMs ?? DEFAULT_LOCAL_TTL_MS }, !client);
  let invalidations: Invalidations;
  if (!client || !settings.redisUrl) invalidations = new LocalInvalidations(layer);
  else {
    const prefix = settings.keyPrefix ?? '';
    invalidations = new RedisInvalidations(
      layer,
      // The cache's own connection publishes: an eviction and its announcement go out on it in that order.
      client,
      await createSubscriber(settings.redisUrl, `${prefix}auth-layer:${process.pid}`),
      `${prefix}auth:invalidate`,
    );
  }
  return new LayeredAppCache(inner, layer, invalidations);
}

/** The connection that only listens: named, so an operator (or a test) can find it in CLIENT LIST. */
async function createSubscriber(url: string, name: string): Promise<RedisClient> {
  const { createClient } = await redisClientLibrary();
  const subscriber: RedisClient = createClient({
    url,
    name,
    socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000) },
  });
  subscriber.on('error', () => undefined); // the invalidation bus goes deaf on it
  subscriber.connect().catch(() => undefined);
  return subscriber;
}

const CACHE_SETTINGS = Symbol('CACHE_SETTINGS');

@Injectable()
class CacheCloser implements OnApplicationShutdown {
  constructor(private readonly cache: AppCache) {}
  async onApplicationShutdown(): Promise<void> {
    await this.cache.close();
  }
}

/** Redis when a URL is set, an in-process store otherwise; AppCache is what the product uses. */
@Global()
@Module({})
export class AppCacheModule {
  /** From the service's environment (REDIS_URL, REDIS_KEY_PREFIX), through @nestjs/config. */
  static fromConfig(): DynamicModule {
    return AppCacheModule.build({
      provide: CACHE_SETTINGS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<EnvSchema, true>): AppCacheSettings => ({
        redisUrl: config.get('REDIS_URL', { infer: true }),
        keyPrefix: config.get('REDIS_KEY_PREFIX', { infer: true }),
        localTtlMs: config.get('AUTH_LOCAL_CACHE_TTL_MS', { infer: true }),
      }),
    });
  }

  /** For a host application: the settings as given, no @nestjs/config needed. */
  static forRoot(settings: AppCacheSettings = {}): DynamicModule {
    return AppCacheModule.build({ provide: CACHE_SETTINGS, useValue: { ...settings } });
  }

  private static build(settings: Provider): DynamicModule {
    const settingsModule: DynamicModule = {
      module: class CacheSettingsModule {},
      providers: [
        settings,
        {
          provide: REDIS_CLIENT,
          inject: [CACHE_SETTINGS],
          useFactory: async (s: AppCacheSettings) => (s.redisUrl ? createRedisClient(s.redisUrl) : null),
        },
      ],
      exports: [CACHE_SETTINGS, REDIS_CLIENT],
    };
    return {
      module: AppCacheModule,
      imports: [
        settingsModule,
        CacheModule.registerAsync({
          imports: [settingsModule],
          inject: [REDIS_CLIENT],
          useFactory: async (client: RedisClient | null): Promise<CacheOptions> =>
            client ? { stores: [await keyvRedisStore(client)] } : {},
        }),
      ],
      providers: [
        {
          provide: AppCache,
          inject: [CACHE_MANAGER, REDIS_CLIENT, CACHE_SETTINGS],
          useFactory: async (cache: Cache, client: RedisClient | null, s: AppCacheSettings) => {
            if (!client) return withLocalLayer(new MemoryAppCache(cache), null, s);
            const appCache = new RedisAppCache(cache, client, s.keyPrefix ?? '');
            // Give a reachable Redis a moment so the first requests hit the cache; an unreachable one does not block boot.
            await waitUntilReady(client, 2_000);
            return withLocalLayer(appCache, client, s);
          },
        },
        CacheCloser,
      ],
      exports: [AppCache, settingsModule],
    };
  }
}

async function waitUntilReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.isReady) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    client.once('ready', done);
    function done() {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    }
  });
}
