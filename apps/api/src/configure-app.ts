import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig, MetricsService, httpMetricsMiddleware } from '@app/platform';

/**
 * HTTP set-up shared by main.ts and the e2e specs, so tests boot the api exactly as it runs:
 * logger, body limits, metrics, OpenAPI and shutdown hooks. (Pipes, filters, guards and interceptors are
 * registered in ApiModule, so they apply wherever the module is booted.)
 */
export function configureApp(app: NestExpressApplication): AppConfig {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: config.BODY_LIMIT_BYTES });
  app.useBodyParser('urlencoded', { limit: config.BODY_LIMIT_BYTES, extended: false });
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('县中协作平台 Xianzhong Partner Platform API')
      .setDescription('Partnerships, one-school-one-policy plans, the city resource library and joint research for Guangyuan county high schools.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', customSiteTitle: '县中协作平台 API' });
  return config;
}
