import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { AccessTokenClaims, AppConfig, AuditEntry, DomainException, Principal } from '@app/platform';
import { Repository } from 'typeorm';
import { countyOf } from './account-rules';
import { AuthTokensDto } from './auth.dto';
import { PasswordHasher } from './password-hasher.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { toSignedInUser, UserWithOrganization } from './user-views';
import { UsersService } from './users.service';

/** Facts about the request a sign-in is made from, for the refresh-token record and the audit trail. */
export interface ClientContext {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/** Sign-in, token refresh with rotation, and sign-out. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokensService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    @InjectRepository(AuditEntry) private readonly audit: Repository<AuditEntry>,
  ) {}

  /**
   * Unknown user and wrong password give the same answer after the same work (a dummy hash is verified), so
   * the response does not reveal which usernames exist. A disabled account is only reported after a correct
   * password, for the same reason.
   */
  async login(identifier: string, password: string, client: ClientContext = {}): Promise<AuthTokensDto> {
    const user = await this.users.findForLogin(identifier);
    const ok = user ? await this.hasher.verify(user.passwordHash, password) : await this.hasher.verifyDummy(password);
    if (!user || !ok) {
      await this.record('auth.loginFailed', 401, client, { username: identifier, userId: user?.id ?? null });
      throw new DomainException('AUTH_INVALID_CREDENTIALS');
    }
    if (!user.active) {
      await this.record('auth.loginFailed', 403, client, { username: user.username, userId: user.id });
      throw new DomainException('AUTH_ACCOUNT_DISABLED');
    }
    // Hashes made with older, weaker parameters are upgraded while the plain password is at hand.
    const upgraded = this.hasher.needsRehash(user.passwordHash) ? await this.hasher.hash(password) : undefined;
    await this.users.recordLogin(user.id, upgraded);
    const refresh = await this.refreshTokens.issue(user.id, { userAgent: client.userAgent });
    await this.record('auth.login', 200, client, { username: user.username, userId: user.id });
    return this.tokens(user, refresh.token, refresh.expiresAt);
  }

  /** Exchanges a refresh token for a new pair (rotation); see RefreshTokensService.rotate for the failures. */
  async refresh(refreshToken: string, client: ClientContext = {}): Promise<AuthTokensDto> {
    let user: UserWithOrganization | null = null;
    const { next } = await this.refreshTokens.rotate(refreshToken, {
      userAgent: client.userAgent,
      canContinue: async (userId) => {
        user = await this.users.findWithOrganization(userId);
        if (!user) throw new DomainException('AUTH_REFRESH_INVALID');
        if (!user.active) throw new DomainException('AUTH_ACCOUNT_DISABLED');
      },
    });
    return this.tokens(user!, next.token, next.expiresAt);
  }

  /** Ends the sign-in the refresh token belongs to. Unknown or foreign tokens change nothing (logout is idempotent). */
  async logout(principal: Principal, refreshToken: string): Promise<void> {
    const row = await this.refreshTokens.findByToken(refreshToken);
    if (row && row.userId === principal.userId) await this.refreshTokens.revokeFamily(row.familyId, 'logout');
  }

  /** Ends every sign-in of the user (all devices). */
  async logoutAll(principal: Principal): Promise<void> {
    await this.refreshTokens.revokeAllForUser(principal.userId, 'logout_all');
  }

  /** The access-token claims of a user; `cty` is the county of the user's organization. */
  static claimsFor(user: UserWithOrganization): AccessTokenClaims {
    return {
      sub: user.id,
      usr: user.username,
      role: user.role,
      org: user.organizationId,
      cty: countyOf(user.organization),
      typ: 'access',
    };
  }

  private async tokens(user: UserWithOrganization, refreshToken: string, refreshExpiresAt: Date): Promise<AuthTokensDto> {
    return {
      accessToken: await this.jwt.signAsync({ ...AuthService.claimsFor(user) }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      refreshExpiresAt,
      user: toSignedInUser(user),
    };
  }

  /** Sign-ins skip the automatic write audit (there is no actor yet), so they are recorded here. */
  private async record(
    action: string,
    status: number,
    client: ClientContext,
    who: { username: string; userId: string | null },
  ): Promise<void> {
    await this.audit
      .insert(
        this.audit.create({
          actorId: who.userId,
          actorUsername: who.username.slice(0, 64),
          action,
          method: 'POST',
          path: '/api/v1/auth/login',
          targetType: 'user',
          targetId: who.userId,
          status,
          requestId: client.requestId ? String(client.requestId).slice(0, 64) : null,
          ip: client.ip ? client.ip.slice(0, 64) : null,
        }),
      )
      .catch((err) => this.logger.error({ err }, 'login audit write failed'));
  }
}
