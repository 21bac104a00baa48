import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigError, loadConfig } from '@app/platform';
import { WorkerModule } from './worker.module';

async function bootstrap() {
  // The worker exists to run jobs: unless told otherwise it does, and it never seeds (the api does).
  process.env.RUN_JOBS ??= 'true';
  process.env.SEED_ON_START ??= 'false';
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log(`worker running jobs from queue driver=${config.QUEUE_DRIVER}`);
}

bootstrap().catch((err) => {
  console.error('Worker start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
