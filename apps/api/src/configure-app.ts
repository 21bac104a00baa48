import type { IncomingMessage } from 'node:http';
import { NestExpressApplication } from '@nestjs/platform-express';
import typeis from 'type-is';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig, MetricsService, httpMetricsMiddleware } from '@app/platform';
import { SocketIoAdapter } from './realtime/socket-io.adapter';
import { serveWebConsole } from './web-console';

/**
 * HTTP set-up shared by main.ts and the e2e specs, so tests boot the api exactly as it runs:
 * logger, body limits, metrics, the socket.io adapter, OpenAPI and shutdown hooks. (Pipes, filters, guards and interceptors are
 * registered in ApiModule, so they apply wherever the module is booted.)
 */
export function configureApp(app: NestExpressApplication): AppConfig {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  // Signed storage PUTs carry raw file bytes of any type; the body parsers must leave those streams alone.
  const notStorage = (req: IncomingMessage) => !req.url?.startsWith('/storage/local/');
  app.useBodyParser('json', { limit: config.BODY_LIMIT_BYTES, type: (req) => notStorage(req) && typeis(req, ['application/json', '+json']) !== false });
  app.useBodyParser('urlencoded', {
    limit: config.BODY_LIMIT_BYTES,
    extended: false,
    type: (req) => notStorage(req) && typeis(req, ['application/x-www-form-urlencoded']) !== false,
  });
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  // socket.io gateways; with LIVE_FANOUT=redis their rooms are shared by every api instance.
  app.useWebSocketAdapter(new SocketIoAdapter(app, config));
  // The web console (apps/web, built into dist/web) at `/`; its fallback never answers reserved paths.
  serveWebConsole(app);
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
