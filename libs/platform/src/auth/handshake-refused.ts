import { ERROR_CODES, ErrorCode } from '../errors/error-codes';

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
