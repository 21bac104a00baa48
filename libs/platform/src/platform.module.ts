import { createSecretKey } from 'node:crypto';
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
        // A KeyObject, not the string: given a string, jsonwebtoken first tries createPublicKey() on it (OpenSSL
        // parses it as PEM/DER and throws) on every sign and verify, about a fifth of the CPU of a cheap request.
        // The key bytes are the same (UTF-8 of the secret), so tokens issued before stay valid.
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        signOptions: { algorithm: 'HS256', expiresIn: config.ACCESS_TOKEN_TTL_SECONDS },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [MetricsService, AccessTokenVerifier],
  exports: [ConfigModule, MetricsService, JwtModule, AccessTokenVerifier],
})
export class PlatformModule {}
