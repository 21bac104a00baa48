import type { Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { ERROR_CODES, ErrorCode } from '../errors/error-codes';
import { DomainException } from '../errors/domain.exception';
import { AccessTokenVerifier } from './access-token.verifier';

/**
 * The error a refused socket.io handshake carries (shared by the /notifications and /live gateways): the
 * client's `connect_error` has `message` and `data: { code, message }`.
 */
export class HandshakeRefused extends Error {
  readonly data: { code: ErrorCode; message: string };
  constructor(code: ErrorCode) {
    super(ERROR_CODES[code].message);
    this.data = { code, message: ERROR_CODES[code].message };
  }
}

/**
 * Authenticates every handshake of a socket.io namespace (the /notifications and /live gateways) with the access
 * token the client sends as `auth.token`: sets `socket.data.principal` and `socket.data.expiresAt`, or refuses with
 * the reason. `closing()` true (shutdown under way) refuses new handshakes so clients go to another instance.
 */
export function authenticateHandshakes(
  namespace: Namespace,
  tokens: AccessTokenVerifier,
  options: { closing: () => boolean; logger: Logger },
): void {
  const authenticate = async (socket: Socket): Promise<void> => {
    if (options.closing()) throw new HandshakeRefused('SERVICE_UNAVAILABLE');
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token === '') throw new HandshakeRefused('AUTH_REQUIRED');
    try {
      const { principal, expiresAt } = await tokens.verifyWithExpiry(token);
      socket.data.principal = principal;
      socket.data.expiresAt = expiresAt;
    } catch (err) {
      if (err instanceof DomainException) throw new HandshakeRefused(err.code);
      options.logger.error({ err }, 'handshake verification failed');
      throw new HandshakeRefused('AUTH_TOKEN_INVALID');
    }
  };
  namespace.use((socket, next) => {
    authenticate(socket).then(
      () => next(),
      (err: unknown) => next(err instanceof HandshakeRefused ? err : new HandshakeRefused('AUTH_TOKEN_INVALID')),
    );
  });
}
