import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigError, loadConfig } from '@app/platform';
import { DEMO_ACCOUNTS } from '@app/domain';
import { ApiModule } from './api.module';
import { configureApp } from './configure-app';

async function bootstrap() {
  // Validate first so a bad variable stops start-up with a message naming it, before anything connects.
  try {
    loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const app = await NestFactory.create<NestExpressApplication>(ApiModule, { bufferLogs: true, bodyParser: false });
  const config = configureApp(app);
  await app.listen(config.PORT, '0.0.0.0');
  const url = config.publicUrl;
  const lines = [
    '',
    `  县中协作平台 Xianzhong Partner Platform is running`,
    `  Console:  ${url}/`,
    `  API:      ${url}/api/v1`,
    `  Docs:     ${url}/docs   (OpenAPI JSON: ${url}/docs-json)`,
    `  Health:   ${url}/health`,
    `  Mode:     database=${config.DB_TYPE} storage=${config.STORAGE_DRIVER} queue=${config.QUEUE_DRIVER} live=${config.LIVE_FANOUT}${config.runJobs ? ' (jobs run here)' : ''}`,
  ];
  if (config.seedOnStart) {
    lines.push(`  Demo logins (password: ${config.DEMO_PASSWORD}):`);
    for (const account of DEMO_ACCOUNTS) lines.push(`    ${account.username.padEnd(18)} ${account.role.padEnd(13)} ${account.organization}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

bootstrap().catch((err) => {
  console.error('Start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
