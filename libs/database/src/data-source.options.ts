import type { DataSourceOptions } from 'typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppConfig } from '@app/platform';
import { ENTITIES } from './entities';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';
import { MYSQL_MIGRATIONS } from './migrations/mysql';
import { serializeSqliteTransactions } from './sqlite-transactions';

/** The TypeORM options for the configured dialect. Schema comes from migrations only (no synchronize). */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  if (config.DB_TYPE === 'mysql') {
    return {
      type: config.DATABASE_URL?.startsWith('mariadb:') ? 'mariadb' : 'mysql',
      url: config.DATABASE_URL?.replace(/^mariadb:/, 'mysql:'),
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z', // store UTC
      entities: ENTITIES,
      migrations: MYSQL_MIGRATIONS,
      migrationsTableName: 'schema_migrations',
      synchronize: false,
      // Calendar dates (DATE columns) come back as 'YYYY-MM-DD' strings, as they do on SQLite.
      dateStrings: ['DATE'],
      supportBigNumbers: true,
      bigNumberStrings: false,
      extra: { connectionLimit: 10 },
    };
  }
  serializeSqliteTransactions();
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
  return {
    type: 'better-sqlite3',
    database: config.sqlitePath,
    entities: ENTITIES,
    migrations: SQLITE_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    // WAL lets readers proceed while a write is in progress; the busy timeout rides out short write locks.
    // synchronous=NORMAL is SQLite's advice for WAL: no fsync per commit (a chat message's insert went from ~0.3 ms
    // to ~0.01 ms), still never corrupt; only a power cut can lose the last commits, a process crash cannot.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
