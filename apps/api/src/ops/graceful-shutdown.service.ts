import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';

/**
 * On SIGTERM/SIGINT: stop accepting connections first (in-flight requests finish), so that afterwards the
 * queue's shutdown hook can let running jobs finish without new work arriving. Nest would otherwise close
 * the HTTP server only after every shutdown hook has run.
 */
@Injectable()
export class GracefulShutdownService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    this.logger.log(`${signal ?? 'shutdown'}: no longer accepting requests; finishing in-flight work`);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Idle keep-alive connections would hold close() open; in-flight requests are let finish.
      server.closeIdleConnections();
    });
  }
}
