import { ERROR_CODES, ErrorCode } from './error-codes';

/** What services throw. The global filter turns it into `{ error: { code, message, details }, requestId }`. */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'DomainException';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
