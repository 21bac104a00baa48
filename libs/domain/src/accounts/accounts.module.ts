import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, AuditEntry } from '@app/platform';
import { OrganizationsModule } from '../organizations/organizations.module';
import { User } from './user.entity';
import { RefreshToken } from './refresh-token.entity';
import { PasswordHasher } from './password-hasher.service';
import { UsersService } from './users.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { AuthService } from './auth.service';
import { LoginThrottlerGuard, loginThrottlerOptions } from './login-throttler.guard';
import { AuthController } from './auth.controller';
import { MeController } from './me.controller';
import { UsersController } from './users.controller';

/** Accounts: users, sign-in with rotating refresh tokens, and the login rate limit. */
@Module({
  imports: [
    TypeOrmModule.forFeature([User, RefreshToken, AuditEntry]),
    OrganizationsModule,
    // Only LoginThrottlerGuard (on the login route) reads these limits; no route is throttled globally.
    ThrottlerModule.forRootAsync({ inject: [AppConfig], useFactory: loginThrottlerOptions }),
  ],
  controllers: [AuthController, MeController, UsersController],
  providers: [PasswordHasher, UsersService, RefreshTokensService, AuthService, LoginThrottlerGuard],
  exports: [PasswordHasher, UsersService, RefreshTokensService, AuthService],
})
export class AccountsModule {}
