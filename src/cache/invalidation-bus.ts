import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { LocalAuthLayer } from './local-layer.js';

/** What the bus needs of a subscriber connection (a @redis/client in production, a fake in tests). */
export interface Subscriber {
  readonly isReady: boolean;
  on(event: 'ready' | 'error' | 'end' | 'reconnecting', listener: (...args: unknown[]) => void): unknown;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  destroy(): void;
}

/** What the bus needs of the shared connection, to announce. */
export interface Publisher {
  publish(channel: string, message: string): Promise<unknown>;
}

/** How every instance's local layer hears of a change: one channel, announcements and probes. */
export interface Invalidations {
  /** Whether the local layer may be used now; notices a dropped subscription before its event arrives. */
  hearing(): boolean;
  /** Drops the keys here and tells every instance (this one hears it too). */
  announce(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

interface Message {
  keys?: string[];
  probe?: string;
}

/** One process, no Redis: an eviction drops the entries directly, and the layer always hears. */
export class LocalInvalidations implements Invalidations {
  constructor(private readonly layer: LocalAuthLayer) {}
  hearing(): boolean {
    return true;
  }
  async announce(keys: string[]): Promise<void> {
    this.layer.drop(keys);
  }
  async close(): Promise<void> {}
}

/**
 * Invalidations through Redis pub/sub on a dedicated subscriber connection.
 * The layer is deaf until the subscription is proven: the bus publishes a
 * probe of its own and goes live only when it hears it back, since a
 * connection that is up is not yet a subscription that receives. Every
 * error, reconnect or end makes it deaf again.
 */
export class RedisInvalidations implements Invalidations {
  private readonly logger = new Logger('AuthLocalLayer');
  private nonce?: string;
  private readonly unannounced = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly layer: LocalAuthLayer,
    private readonly publisher: Publisher,
    private readonly subscriber: Subscriber,
    readonly channel: string,
    probeEveryMs = 1_000,
    private readonly publishDeadlineMs = 1_000,
  ) {
    subscriber.on('error', () => this.deaf('error'));
    subscriber.on('end', () => this.deaf('end'));
    subscriber.on('reconnecting', () => this.deaf('reconnecting'));
    // The client subscribes again by itself after a reconnect; the probe confirms it did.
    subscriber.on('ready', () => void this.probe());
    subscriber
      .subscribe(channel, (m) => this.onMessage(m))
      .then(
        () => this.probe(),
        () => this.deaf('subscribe failed'),
      );
    this.timer = setInterval(() => this.tick(), probeEveryMs);
    this.timer.unref();
  }

  hearing(): boolean {
    if (!this.subscriber.isReady && this.layer.isLive()) this.deaf('not ready');
    return this.layer.isLive();
  }

  async announce(keys: string[]): Promise<void> {
    this.layer.drop(keys);
    let timer: NodeJS.Timeout | undefined;
    // A silent Redis (connected, never answering) must not hold the change's answer: give the publish
    // the cache's own deadline, then retry it in the background.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('publish timed out')), this.publishDeadlineMs);
    });
    try {
      await Promise.race([
        this.publisher.publish(this.channel, JSON.stringify({ keys } satisfies Message)),
        deadline,
      ]);
    } catch {
      // Another instance could keep these for one TTL at most; tried again until it goes through. A
      // channel that can't carry our own message can't be trusted to carry others': stop serving locally.
      for (const k of keys) this.unannounced.add(k);
      this.deaf('publish failed');
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.layer.goDeaf();
    this.subscriber.destroy();
  }

  private deaf(why: string): void {
    if (this.closed) return;
    const wasLive = this.layer.isLive();
    this.nonce = undefined;
    this.layer.goDeaf();
    if (wasLive) this.logger.warn(`Invalidation channel lost (${why}); local auth layer bypassed`);
  }

  private async probe(): Promise<void> {
    if (this.closed || !this.layer.enabled || !this.subscriber.isReady || this.layer.isLive()) return;
    const nonce = randomBytes(8).toString('hex');
    this.nonce = nonce;
    await this.publisher.publish(this.channel, JSON.stringify({ probe: nonce })).catch(() => undefined);
  }

  private tick(): void {
    if (!this.layer.isLive()) void this.probe();
    if (this.unannounced.size > 0) void this.announce(this.takeUnannounced());
  }

  private takeUnannounced(): string[] {
    const keys = [...this.unannounced];
    this.unannounced.clear();
    return keys;
  }

  private onMessage(raw: string): void {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (Array.isArray(message.keys)) this.layer.drop(message.keys.filter((k) => typeof k === 'string'));
    if (message.probe !== undefined && message.probe === this.nonce && this.subscriber.isReady) {
      this.nonce = undefined;
      this.layer.goLive();
      if (this.layer.deafSpells > 0) this.logger.log('Invalidation channel back; local auth layer in use');
    }
  }
}
