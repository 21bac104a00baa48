import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { CreateUserDto, ListUsersQuery, ResetPasswordDto, UpdateUserDto, UserDto, UserIdParams, UserPageDto } from './users.dto';
import { UsersService } from './users.service';

/** Account management. Who may act on whom is decided in UsersService (see account-rules.ts). */
@ApiTags('users')
@Controller(apiPath('users'))
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Create an account: city admins anywhere, county admins in their county's schools, school admins in their school. */
  @Post()
  @Access(['city_admin', 'county_admin', 'school_admin'], { in: 'body', key: 'organizationId' })
  @ApiConflictResponse({ description: 'USERNAME_TAKEN / PHONE_TAKEN' })
  @ApiUnprocessableEntityResponse({ description: 'ROLE_NOT_ALLOWED_FOR_ORGANIZATION' })
  create(@CurrentUser() user: Principal, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(user, dto);
  }

  /** Accounts within the caller's scope (city: all; county: its county; others: their organization). */
  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: ListUsersQuery): Promise<UserPageDto> {
    return this.users.list(user, query);
  }

  @Get(':id')
  @Access('any')
  get(@CurrentUser() user: Principal, @Param() params: UserIdParams): Promise<UserDto> {
    return this.users.get(user, params.id);
  }

  /** Change name, phone, subject, active; role only by a city admin. Anyone may edit their own name, phone and subject. */
  @Patch(':id')
  @Access('any')
  @ApiUnprocessableEntityResponse({ description: 'ROLE_NOT_ALLOWED_FOR_ORGANIZATION / CANNOT_DEACTIVATE_SELF' })
  update(@CurrentUser() user: Principal, @Param() params: UserIdParams, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.users.update(user, params.id, dto);
  }

  /** An administrator sets a new password for an account they manage; every sign-in of that account ends. */
  @Post(':id/password')
  @Access(['city_admin', 'county_admin', 'school_admin'])
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiUnprocessableEntityResponse({ description: 'CANNOT_RESET_OWN_PASSWORD' })
  async resetPassword(@CurrentUser() user: Principal, @Param() params: UserIdParams, @Body() dto: ResetPasswordDto): Promise<void> {
    await this.users.resetPassword(user, params.id, dto);
  }
}
