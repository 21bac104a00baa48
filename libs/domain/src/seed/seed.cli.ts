/** `npm run seed`: migrates the configured database and loads the Guangyuan demo data (idempotent). */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigError, PlatformModule } from '@app/platform';
import { DatabaseModule } from '@app/database';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { SeedCoreModule } from './seed.module';
import { SeedService } from './seed.service';

/** Config, database and the seed only: no storage, queue or http. */
@Module({ imports: [PlatformModule, DatabaseModule.forRootAsync(), SeedCoreModule] })
class SeedCliModule {}

async function main() {
  const app = await NestFactory.createApplicationContext(SeedCliModule, { logger: ['error', 'warn'] });
  try {
    // DatabaseModule migrates on start unless MIGRATE_ON_START=false; a seed needs the schema either way.
    const applied = await app.get(DataSource).runMigrations({ transaction: 'each' });
    if (applied.length) console.log(`Applied ${applied.length} migration(s).`);
    const result = await app.get(SeedService).run();
    console.log(result.created ? `Seed: created ${result.created} record(s).` : 'Seed: nothing to do, the demo data is already there.');
    const config = app.get(AppConfig);
    console.log(`Demo logins (password: ${config.DEMO_PASSWORD}):`);
    for (const account of DEMO_ACCOUNTS) console.log(`  ${account.username.padEnd(18)} ${account.role.padEnd(13)} ${account.organization}`);
  } finally {
    await app.close();
  }
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  console.error('Seed failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
