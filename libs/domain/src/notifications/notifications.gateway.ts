import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenVerifier, authenticateHandshakes, ERROR_CODES, HandshakeRefused } from '@app/platform';
import type { Principal } from '@app/platform';
import { NOTIFICATIONS_NAMESPACE, NotificationsServerEvents, userRoom } from './notifications.events';
import { NotificationsLive } from './notifications-live.service';

interface SocketData {
  principal: Principal;
  expiresAt: Date | null;
  expiryTimer?: NodeJS.Timeout;
}
type NotificationsSocket = Socket<Record<string, never>, NotificationsServerEvents, Record<string, never>, SocketData>;

// Moved to @app/platform (the /live gateway refuses handshakes the same way); re-exported for existing importers.
export { HandshakeRefused };

/**
 * socket.io namespace /notifications. The handshake must carry the access token (`io(url + '/notifications',
 * { auth: { token } })`); it is verified exactly as the http guard verifies a bearer token, and a refused
 * handshake gets a `connect_error` with the reason. Each connection joins `user:{id}` and receives the events of
 * NotificationsServerEvents; the connection ends when its token expires (after a `session_expired` event).
 */
@WebSocketGateway({ namespace: NOTIFICATIONS_NAMESPACE })
export class NotificationsGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<NotificationsSocket>, OnGatewayDisconnect<NotificationsSocket>, OnModuleDestroy {
  private readonly logger = new Logger(NotificationsGateway.name);
  private closing = false;

  constructor(
    private readonly tokens: AccessTokenVerifier,
    private readonly live: NotificationsLive,
  ) {}

  afterInit(namespace: Namespace): void {
    authenticateHandshakes(namespace, this.tokens, { closing: () => this.closing, logger: this.logger });
    this.live.attach(namespace);
  }

  handleConnection(socket: NotificationsSocket): void {
    const { principal, expiresAt } = socket.data;
    void socket.join(userRoom(principal.userId));
    if (expiresAt) {
      // Bounded by the access-token TTL (at most a day), so it fits setTimeout.
      const timer = setTimeout(() => {
        socket.emit('session_expired', { code: 'AUTH_TOKEN_INVALID', message: ERROR_CODES.AUTH_TOKEN_INVALID.message });
        socket.disconnect(true);
      }, Math.max(0, expiresAt.getTime() - Date.now()));
      timer.unref();
      socket.data.expiryTimer = timer;
    }
  }

  handleDisconnect(socket: NotificationsSocket): void {
    if (socket.data.expiryTimer) clearTimeout(socket.data.expiryTimer);
  }

  /**
   * At shutdown, before the http server stops accepting: refuse new handshakes and close this instance's
   * connections (only this instance's: `local`, or the redis adapter would disconnect every instance's
   * clients), so open websockets do not hold the http server's close; clients reconnect to another instance.
   */
  onModuleDestroy(): void {
    this.closing = true;
    this.live.attached?.local.disconnectSockets(true);
  }
}
