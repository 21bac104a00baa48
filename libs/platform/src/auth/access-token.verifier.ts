import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DomainException } from '../errors/domain.exception';
import { AccessTokenClaims, Principal } from './roles';

/** A verified access token: who it names and until when it is valid. */
export interface VerifiedAccess {
  principal: Principal;
  /** The token's `exp`; null if it carries none. */
  expiresAt: Date | null;
}

/**
 * Turns an access token into a Principal, or throws AUTH_TOKEN_INVALID. Shared by the http guard (bearer
 * header) and the socket.io gateways (handshake `auth.token`), so both accept exactly the same tokens.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(private readonly jwt: JwtService) {}

  async verify(token: string): Promise<Principal> {
    return (await this.verifyWithExpiry(token)).principal;
  }

  /** Long-lived connections (websockets) also need the expiry, to end the session when the token lapses. */
  async verifyWithExpiry(token: string): Promise<VerifiedAccess> {
    let claims: AccessTokenClaims & { exp?: number };
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims & { exp?: number }>(token, { algorithms: ['HS256'] });
    } catch {
      throw new DomainException('AUTH_TOKEN_INVALID');
    }
    if (claims.typ !== 'access') throw new DomainException('AUTH_TOKEN_INVALID');
    return {
      principal: { userId: claims.sub, username: claims.usr, role: claims.role, organizationId: claims.org, countyId: claims.cty },
      expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null,
    };
  }
}
