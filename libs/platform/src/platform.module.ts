import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { MetricsService } from './metrics/metrics.service';

/** Cross-cutting providers every context may inject: config, metrics, and token signing. */
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
  providers: [MetricsService],
  exports: [ConfigModule, MetricsService, JwtModule],
})
export class PlatformModule {}
