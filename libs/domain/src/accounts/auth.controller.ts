import { Body, Controller, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import { ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access, apiPath, CurrentUser, Principal, Public, SkipAudit } from '@app/platform';
import { AuthTokensDto, LoginDto, RefreshTokenDto } from './auth.dto';
import { AuthService, ClientContext } from './auth.service';
import { LoginThrottlerGuard } from './login-throttler.guard';

const clientOf = (req: Request & { id?: unknown }): ClientContext => ({
  ip: req.ip ?? null,
  userAgent: req.get('user-agent') ?? null,
  requestId: req.id !== undefined ? String(req.id) : null,
});

@ApiTags('auth')
@Controller(apiPath('auth'))
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Sign in with username (or phone number) and password. */
  @Post('login')
  @Public()
  @SkipAudit()
  @UseGuards(LoginThrottlerGuard)
  @HttpCode(HttpStatus.OK)
  @ApiUnauthorizedResponse({ description: 'AUTH_INVALID_CREDENTIALS' })
  @ApiTooManyRequestsResponse({ description: 'AUTH_RATE_LIMITED (see the Retry-After header)' })
  login(@Body() dto: LoginDto, @Req() req: Request): Promise<AuthTokensDto> {
    return this.auth.login(dto.username, dto.password, clientOf(req));
  }

  /** Exchange a refresh token for a new token pair. Each refresh token works once. */
  @Post('refresh')
  @Public()
  @SkipAudit()
  @HttpCode(HttpStatus.OK)
  @ApiUnauthorizedResponse({ description: 'AUTH_REFRESH_INVALID / AUTH_REFRESH_REUSED' })
  refresh(@Body() dto: RefreshTokenDto, @Req() req: Request): Promise<AuthTokensDto> {
    return this.auth.refresh(dto.refreshToken, clientOf(req));
  }

  /** Sign out: the refresh token's sign-in (its whole token family) stops working. */
  @Post('logout')
  @Access('any')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@CurrentUser() user: Principal, @Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(user, dto.refreshToken);
  }

  /** Sign out everywhere: every refresh token of the user stops working. */
  @Post('logout-all')
  @Access('any')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logoutAll(@CurrentUser() user: Principal): Promise<void> {
    await this.auth.logoutAll(user);
  }
}
