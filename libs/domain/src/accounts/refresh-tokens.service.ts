import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AppConfig, DomainException } from '@app/platform';
import { IsNull, Not, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';

export const REFRESH_TOKEN_BYTES = 32;

export type RevokeReason = 'reuse' | 'logout' | 'logout_all' | 'password_changed' | 'password_reset' | 'account_disabled';

export interface IssuedRefreshToken {
  /** The opaque token handed to the client; only its SHA-256 is stored. */
  token: string;
  familyId: string;
  expiresAt: Date;
}

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Refresh tokens with rotation and reuse detection. A login starts a family; every refresh uses the presented
 * token up (atomically) and issues the next one of the same family. A token presented after it was used means
 * it leaked (or two clients share it), so the whole family is revoked.
 */
@Injectable()
export class RefreshTokensService {
  private readonly logger = new Logger(RefreshTokensService.name);

  constructor(
    @InjectRepository(RefreshToken) private readonly tokens: Repository<RefreshToken>,
    private readonly config: AppConfig,
  ) {}

  /** Issues a token: the first of a new family (a login), or the next of `familyId` (a rotation). */
  async issue(userId: string, options: { familyId?: string; userAgent?: string | null } = {}): Promise<IssuedRefreshToken> {
    const token = randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
    const familyId = options.familyId ?? randomUUID();
    const expiresAt = new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
    await this.tokens.insert(
      this.tokens.create({
        tokenHash: hashRefreshToken(token),
        userId,
        familyId,
        expiresAt,
        usedAt: null,
        revokedAt: null,
        revokedReason: null,
        userAgent: options.userAgent ? options.userAgent.slice(0, 200) : null,
      }),
    );
    return { token, familyId, expiresAt };
  }

  /**
   * Uses `token` up and issues the next token of its family. Throws AUTH_REFRESH_REUSED (and revokes the family)
   * for a token already used, AUTH_REFRESH_INVALID for an unknown, expired or revoked one. `canContinue` is asked
   * before anything changes (e.g. to refuse a disabled account); it may throw.
   */
  async rotate(
    token: string,
    options: { userAgent?: string | null; canContinue?: (userId: string) => Promise<void> } = {},
  ): Promise<{ userId: string; next: IssuedRefreshToken }> {
    const current = await this.findByToken(token);
    if (!current) throw new DomainException('AUTH_REFRESH_INVALID');
    if (current.usedAt) await this.reuseDetected(current);
    if (current.revokedAt || current.expiresAt.getTime() <= Date.now()) throw new DomainException('AUTH_REFRESH_INVALID');
    if (options.canContinue) await options.canContinue(current.userId);

    // The use-up is one conditional UPDATE, so of two concurrent refreshes with the same token only one matches.
    const result = await this.tokens.update({ id: current.id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: new Date() });
    if (result.affected !== 1) {
      const now = await this.tokens.findOne({ where: { id: current.id } });
      if (now?.usedAt) await this.reuseDetected(now);
      throw new DomainException('AUTH_REFRESH_INVALID');
    }

    const next = await this.issue(current.userId, { familyId: current.familyId, userAgent: options.userAgent ?? current.userAgent });
    // A concurrent reuse may have revoked the family between our UPDATE and INSERT, missing the new row.
    const after = await this.tokens.findOne({ where: { id: current.id }, select: { id: true, revokedAt: true } });
    if (after?.revokedAt) {
      await this.revokeFamily(current.familyId, 'reuse');
      throw new DomainException('AUTH_REFRESH_REUSED');
    }
    return { userId: current.userId, next };
  }

  /** The stored row of a presented token, if any. */
  findByToken(token: string): Promise<RefreshToken | null> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 200) return Promise.resolve(null);
    return this.tokens.findOne({ where: { tokenHash: hashRefreshToken(token) } });
  }

  /** Revokes every live token of a family; returns how many were revoked. */
  async revokeFamily(familyId: string, reason: RevokeReason): Promise<number> {
    const result = await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }

  /** Revokes every family of a user except `keepFamilyId` (the caller's own session, when known). */
  async revokeAllForUser(userId: string, reason: RevokeReason, keepFamilyId?: string | null): Promise<number> {
    const result = await this.tokens.update(
      { userId, revokedAt: IsNull(), ...(keepFamilyId ? { familyId: Not(keepFamilyId) } : {}) },
      { revokedAt: new Date(), revokedReason: reason },
    );
    return result.affected ?? 0;
  }

  private async reuseDetected(row: RefreshToken): Promise<never> {
    const revoked = await this.revokeFamily(row.familyId, 'reuse');
    if (revoked > 0) this.logger.warn({ userId: row.userId, familyId: row.familyId }, 'refresh token reuse detected; family revoked');
    throw new DomainException('AUTH_REFRESH_REUSED');
  }
}
