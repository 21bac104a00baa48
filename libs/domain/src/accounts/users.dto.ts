import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageQuery, ROLES } from '@app/platform';
import type { Role } from '@app/platform';
import { ORGANIZATION_KINDS } from '../organizations/organization.entity';
import type { OrganizationKind } from '../organizations/organization.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const trimLower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

/** Starts with a letter, so a username can never be mistaken for a phone number at login. */
export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{2,63}$/;
/** A mainland China mobile number (11 digits). */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
/** 8-128 characters with at least one letter and one digit. */
export const PASSWORD_PATTERN = /^(?=.*[A-Za-z])(?=.*\d)[\s\S]{8,128}$/;

export const USERNAME_RULE = '用户名须以小写字母开头，3-64 位，可含小写字母、数字、点、下划线和连字符';
export const PHONE_RULE = '手机号须为 11 位中国大陆手机号';
export const PASSWORD_RULE = '密码至少 8 位，且须同时包含字母和数字';

/** A password that meets the policy (used for new accounts and password changes). */
export function StrongPassword(): PropertyDecorator {
  return (target, key) => {
    IsString()(target, key);
    MaxLength(128)(target, key);
    Matches(PASSWORD_PATTERN, { message: PASSWORD_RULE })(target, key);
  };
}

export class CreateUserDto {
  /** Login name, stored in lower case. */
  @Transform(trimLower) @IsString() @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username: string;

  /** At least 8 characters with letters and digits. */
  @StrongPassword()
  password: string;

  @Transform(trim) @IsString() @MinLength(1) @MaxLength(50)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @IsUUID('all')
  organizationId: string;

  @IsOptional() @Transform(trim) @IsString() @Matches(PHONE_PATTERN, { message: PHONE_RULE })
  phone?: string | null;

  /** 学科, for teachers and mentors. */
  @IsOptional() @Transform(trim) @IsString() @MaxLength(20)
  subject?: string | null;
}

/** Fields left out stay as they are; `phone` and `subject` may be set to null to clear them. */
export class UpdateUserDto {
  @ValidateIf((_, v) => v !== undefined) @Transform(trim) @IsString() @MinLength(1) @MaxLength(50)
  name?: string;

  @IsOptional() @Transform(trim) @IsString() @Matches(PHONE_PATTERN, { message: PHONE_RULE })
  phone?: string | null;

  @IsOptional() @Transform(trim) @IsString() @MaxLength(20)
  subject?: string | null;

  /** false disables the account (its sign-ins are revoked). */
  @ValidateIf((_, v) => v !== undefined) @IsBoolean()
  active?: boolean;

  /** Only a city admin may change a role. */
  @ApiPropertyOptional({ enum: ROLES })
  @ValidateIf((_, v) => v !== undefined) @IsIn(ROLES)
  role?: Role;
}

export class ListUsersQuery extends PageQuery {
  @IsOptional() @IsUUID('all')
  organizationId?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional() @IsIn(ROLES)
  role?: Role;

  /** Matches username, name or phone. */
  @IsOptional() @Transform(trim) @IsString() @MaxLength(50)
  q?: string;
}

export class UserIdParams {
  @IsUUID('all')
  id: string;
}

/** An administrator sets a new password for an account they manage (the user forgot theirs). */
export class ResetPasswordDto {
  /** At least 8 characters with letters and digits; hand it to the user, who should change it after signing in. */
  @StrongPassword()
  newPassword: string;
}

export class ChangePasswordDto {
  @IsString() @MinLength(1) @MaxLength(256)
  currentPassword: string;

  /** At least 8 characters with letters and digits. */
  @StrongPassword()
  newPassword: string;

  /** The caller's refresh token: its sign-in stays valid, every other one of the user is revoked. */
  @IsOptional() @IsString() @MaxLength(200)
  refreshToken?: string;
}

// ---- responses ----

export class OrganizationRefDto {
  id: string;
  name: string;
  @ApiProperty({ enum: ORGANIZATION_KINDS })
  kind: OrganizationKind;
}

export class CountyRefDto {
  id: string;
  name: string;
}

/** What /me returns, and the `user` of a login. */
export class UserProfileDto {
  id: string;
  username: string;
  name: string;
  @ApiProperty({ enum: ROLES })
  role: Role;
  /** Chinese label of the role. */
  roleLabel: string;
  phone: string | null;
  subject: string | null;
  organization: OrganizationRefDto;
  /** The county of the user's organization (the organization itself for a county); null for city-level and outside units. */
  @ApiProperty({ type: CountyRefDto, nullable: true })
  county: CountyRefDto | null;
}

/** A role the signed-in user may give to accounts they create, and the kinds of organization it fits. */
export class AccountRoleDto {
  @ApiProperty({ enum: ROLES })
  role: Role;
  @ApiProperty({ enum: ORGANIZATION_KINDS, isArray: true })
  organizationKinds: OrganizationKind[];
}

/** The signed-in user (/me and the login answer): the profile and what account management allows them. */
export class SignedInUserDto extends UserProfileDto {
  /** Empty for roles that manage no accounts; the console offers exactly these when creating one. */
  accountRoles: AccountRoleDto[];
}

export class UserDto extends UserProfileDto {
  active: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export class UserPageDto {
  items: UserDto[];
  total: number;
  page: number;
  limit: number;
}
