import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A loopback TCP proxy a test can cut and restore, to make an outside service (the S3 server) unreachable for the
 * app without stopping the service itself, or blackhole, to drop a client's link the way a real network does.
 */
export class TcpProxy {
  private server?: Server;
  private sockets = new Set<Socket>();
  private pairs = new Set<[Socket, Socket]>();
  private blackholed = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = this.port): Promise<number> {
    this.server = createServer((client) => {
      this.track(client);
      if (this.blackholed) {
        // Accepted but never answered: a connection attempt over a dead link hangs.
        swallow(client);
        return;
      }
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      this.track(upstream);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Refuses new connections and drops open ones. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /**
   * A dead link: from now on every byte either way is silently dropped. Open connections stay open (no FIN, no
   * RST reaches either end, so neither side learns of it except by its own heartbeat) and new ones are accepted
   * but hear nothing.
   */
  blackhole(): void {
    this.blackholed = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      swallow(client);
      swallow(upstream);
    }
    this.pairs.clear();
  }

  /**
   * The link comes back with its connection state gone (a NAT or Wi-Fi change): every connection that lived
   * through the blackhole is reset at both ends, and new connections go through again.
   */
  restore(): void {
    this.blackholed = false;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
  }
}

/** Reads and discards everything the socket receives. */
function swallow(s: Socket): void {
  s.on('data', () => undefined);
  s.resume();
}
