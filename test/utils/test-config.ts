import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppConfig, loadConfig } from '@app/platform';

/**
 * The configuration an e2e spec runs with. The driver choice (DB_TYPE, STORAGE_DRIVER, QUEUE_DRIVER and their
 * connection variables) comes from the environment, so the same suite runs on the embedded default and, in
 * `.ci/run`'s second pass, on MariaDB + Redis/bull + S3. Each call gets its own DATA_DIR and queue prefix.
 */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'xz-e2e-'));
  const pick = (k: string) => (process.env[k] ? { [k]: process.env[k] as string } : {});
  return {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    QUEUE_PREFIX: `xzt${randomBytes(4).toString('hex')}`,
    RUN_JOBS: 'true',
    SEED_ON_START: 'true',
    ...['DB_TYPE', 'DATABASE_URL', 'STORAGE_DRIVER', 'S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_BUCKET', 'S3_REGION', 'QUEUE_DRIVER', 'REDIS_URL']
      .reduce((acc, k) => ({ ...acc, ...pick(k) }), {}),
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(testEnv(overrides));
}
