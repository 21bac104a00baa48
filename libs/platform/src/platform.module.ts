import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { MetricsService } from './metrics/metrics.service';
import { AccessTokenVerifier } from './auth/access-token.verifier';

/** Cross-cutting providers every context may inject: config, metrics, token signing and access-token verification. */
@Global()
@Module({
  imports: [
    ConfigModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: config.ACCESS_TOKEN_TTL_SECONDS },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [MetricsService, AccessTokenVerifier],
  exports: [ConfigModule, MetricsService, JwtModule, AccessTokenVerifier],
})
export class PlatformModule {}
