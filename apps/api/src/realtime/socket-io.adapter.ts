import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '@app/platform';

/**
 * socket.io for every gateway of the api. LIVE_FANOUT=memory (default): socket.io's in-memory adapter, rooms
 * live in this process. LIVE_FANOUT=redis: @socket.io/redis-adapter over a pub/sub pair of ioredis clients on
 * REDIS_URL, so an emit to `user:{id}` on one api instance reaches that user's sockets on every instance (and
 * apps/worker's redis-emitter reaches them too). Channels are prefixed with QUEUE_PREFIX (AppConfig.liveFanoutKey)
 * so deployments sharing a Redis stay apart. The clients are closed when the app closes.
 */
export class SocketIoAdapter extends IoAdapter {
  private readonly logger = new Logger('LiveFanout');
  private readonly clients: Redis[] = [];
  private readonly redisAdapter?: ReturnType<typeof createAdapter>;

  constructor(app: INestApplicationContext, config: AppConfig) {
    super(app);
    if (config.LIVE_FANOUT === 'redis') {
      const pub = new Redis(config.REDIS_URL);
      const sub = pub.duplicate();
      for (const [name, client] of [['pub', pub], ['sub', sub]] as const) {
        // Without a listener ioredis would raise an unhandled 'error'; it reconnects by itself.
        client.on('error', (err) => this.logger.error({ err }, `redis (${name}) error`));
        this.clients.push(client);
      }
      this.redisAdapter = createAdapter(pub, sub, { key: config.liveFanoutKey });
    }
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    if (this.redisAdapter) server.adapter(this.redisAdapter);
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.all(this.clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  }
}
