import { randomUUID } from 'node:crypto';
import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccessGuard, AllExceptionsFilter, AppConfig, AuditInterceptor, PlatformModule } from '@app/platform';
import { DatabaseModule } from '@app/database';
import { StorageModule } from '@app/storage';
import { QueueModule } from '@app/queue';
import { DomainModule } from '@app/domain';
import { HealthController } from './ops/health.controller';
import { MetricsController } from './ops/metrics.controller';
import { GracefulShutdownService } from './ops/graceful-shutdown.service';

/** Structured JSON logs with a request id per request (taken from X-Request-Id when a proxy sets one). */
export const loggerModule = LoggerModule.forRootAsync({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    pinoHttp: {
      level: config.LOG_LEVEL,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.body.password', 'req.body.refreshToken'],
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/metrics' },
    },
  }),
});

/** The composition root of the HTTP api: every context, the ops endpoints and the global pipes/filters/guards. */
@Module({
  imports: [
    PlatformModule,
    loggerModule,
    DatabaseModule.forRootAsync(),
    StorageModule.forRootAsync(),
    QueueModule.forRootAsync(),
    TerminusModule,
    DomainModule,
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    GracefulShutdownService,
    {
      provide: APP_PIPE,
      useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
    },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
})
export class ApiModule {}
