import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Response } from 'express';
import { AppConfig, DomainException } from '@app/platform';

export const LOGIN_WINDOW_MS = 60_000;

/** The username a login attempt names, as the per-username limit keys it. */
export function loginTrackerKey(body: unknown): string {
  const raw = body && typeof body === 'object' ? (body as { username?: unknown }).username : undefined;
  const name = typeof raw === 'string' ? raw.replace(/\s+/g, '').toLowerCase().slice(0, 64) : '';
  return `user:${name}`;
}

/**
 * Two fixed-window limits on the login route, both counting every attempt (right or wrong): per client address
 * (LOGIN_RATE_LIMIT_PER_IP) and per username (LOGIN_RATE_LIMIT), so neither many guesses at one account from
 * many addresses nor guesses at many accounts from one address get far. The storage is in-process.
 */
export function loginThrottlerOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    setHeaders: false,
    throttlers: [
      {
        name: 'login-ip',
        ttl: LOGIN_WINDOW_MS,
        limit: config.LOGIN_RATE_LIMIT_PER_IP,
        getTracker: (req) => `ip:${(req as { ip?: string }).ip ?? 'unknown'}`,
      },
      {
        name: 'login-user',
        ttl: LOGIN_WINDOW_MS,
        limit: config.LOGIN_RATE_LIMIT,
        getTracker: (req) => loginTrackerKey((req as { body?: unknown }).body),
      },
    ],
  };
}

/** Applied to POST /auth/login only. Answers 429 AUTH_RATE_LIMITED with Retry-After (seconds). */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new DomainException('AUTH_RATE_LIMITED', undefined, { retryAfterSeconds: retryAfter });
  }
}
