import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { SignedInUserDto } from './users.dto';

export class LoginDto {
  /** Username, or the phone number of the account. */
  @IsString() @MinLength(1) @MaxLength(64)
  username: string;

  // Bounded so an attacker cannot make the server hash megabytes.
  @IsString() @MinLength(1) @MaxLength(256)
  password: string;
}

export class RefreshTokenDto {
  @IsString() @MinLength(1) @MaxLength(200)
  refreshToken: string;
}

export class AuthTokensDto {
  /** JWT for `Authorization: Bearer ...`. */
  accessToken: string;
  /** Opaque token for POST /auth/refresh; each one can be used once. */
  refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** When the refresh token expires (ISO-8601). */
  refreshExpiresAt: Date;
  user: SignedInUserDto;
}
