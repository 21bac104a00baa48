import { Body, Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { ChangePasswordDto, SignedInUserDto } from './users.dto';
import { UsersService } from './users.service';

@ApiTags('me')
@Controller(apiPath('me'))
export class MeController {
  constructor(private readonly users: UsersService) {}

  /** The signed-in user with their organization and county, and the roles they may give to accounts they create. */
  @Get()
  @Access('any')
  me(@CurrentUser() user: Principal): Promise<SignedInUserDto> {
    return this.users.profile(user.userId);
  }

  /** Change one's own password; every other sign-in of the user is ended (send `refreshToken` to keep this one). */
  @Post('password')
  @Access('any')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiUnprocessableEntityResponse({ description: 'CURRENT_PASSWORD_INCORRECT' })
  async changePassword(@CurrentUser() user: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    await this.users.changePassword(user.userId, dto);
  }
}
