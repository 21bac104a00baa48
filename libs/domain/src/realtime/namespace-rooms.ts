import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';
import type { Namespace } from 'socket.io';
import { AppConfig } from '@app/platform';

/** What both a socket.io namespace and a redis emitter offer: emit to a room, make a room's sockets leave it. */
export interface RoomEmitter {
  to(room: string | string[]): { emit(event: string, ...args: unknown[]): unknown };
  in(room: string | string[]): { socketsLeave(room: string | string[]): void };
}

/**
 * Reaches the rooms of one socket.io namespace from any process; contexts extend it (NotificationsLive, LiveRooms).
 * Everything goes through socket.io so the configured adapter fans out:
 * - in the api, the namespace's gateway attaches it; with LIVE_FANOUT=redis its redis-adapter also reaches the
 *   clients of the other api instances;
 * - in a process without the gateway (apps/worker) with LIVE_FANOUT=redis, events are published with
 *   @socket.io/redis-emitter on the same channels and the api instances deliver them;
 * - otherwise nobody can be reached: `target()` is null and a one-time warning says so (in the embedded mode the
 *   api runs the jobs itself, so this never happens there).
 */
export abstract class NamespaceRooms implements OnApplicationShutdown {
  protected readonly logger: Logger;
  private namespace?: Namespace;
  private emitterClient?: Redis;
  private emitter?: RoomEmitter;
  private warnedNoServer = false;

  /** `undelivered` completes the warning "no socket.io server in this process ...: <undelivered>". */
  protected constructor(
    protected readonly config: AppConfig,
    private readonly namespaceName: string,
    private readonly undelivered: string,
  ) {
    this.logger = new Logger(new.target.name);
  }

  /** Called by the namespace's gateway once the namespace exists (api processes only). */
  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  /** The server namespace, for the gateways' own use (room queries, disconnecting at shutdown). */
  get attached(): Namespace | undefined {
    return this.namespace;
  }

  protected target(): RoomEmitter | null {
    if (this.namespace) return this.namespace as unknown as RoomEmitter;
    if (this.config.LIVE_FANOUT === 'redis') return (this.emitter ??= this.createEmitter());
    if (!this.warnedNoServer) {
      this.warnedNoServer = true;
      this.logger.warn(`No socket.io server in this process and LIVE_FANOUT=memory: ${this.undelivered}`);
    }
    return null;
  }

  private createEmitter(): RoomEmitter {
    const client = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: 3 });
    client.on('error', (err) => this.logger.error({ err }, `redis (${this.namespaceName} emitter) error`));
    this.emitterClient = client;
    this.logger.log(`emitting to ${this.namespaceName} through @socket.io/redis-emitter`);
    return new Emitter(client, { key: this.config.liveFanoutKey }).of(this.namespaceName) as unknown as RoomEmitter;
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.emitterClient;
    this.emitterClient = undefined;
    this.emitter = undefined;
    if (client) await client.quit().catch(() => client.disconnect());
  }
}
