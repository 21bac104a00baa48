/** `npm run migrate`: applies pending migrations to the configured database (DB_TYPE, DATABASE_URL, DATA_DIR). */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/platform';
import { dataSourceOptions } from '../data-source.options';

async function main() {
  const config = loadConfig();
  const dataSource = await new DataSource(dataSourceOptions(config)).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}` : 'Database is up to date.');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
