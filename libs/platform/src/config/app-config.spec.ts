import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const tempDir = () => mkdtempSync(join(tmpdir(), 'xz-config-'));

describe('loadConfig', () => {
  it('defaults to the embedded mode and generates a JWT secret kept in DATA_DIR', () => {
    const dir = tempDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.DB_TYPE).toBe('sqlite');
    expect(config.STORAGE_DRIVER).toBe('local');
    expect(config.QUEUE_DRIVER).toBe('memory');
    expect(config.PORT).toBe(3000);
    expect(config.runJobs).toBe(true);
    expect(config.seedOnStart).toBe(true);
    expect(config.sqlitePath).toBe(join(dir, 'platform.sqlite'));
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(config.jwtSecret);
    // generated once: a second start reads the same secret
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(config.jwtSecret);
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfig({ DATA_DIR: tempDir(), PORT: '8080', MIGRATE_ON_START: 'false', RUN_JOBS: '1' });
    expect(config.PORT).toBe(8080);
    expect(config.MIGRATE_ON_START).toBe(false);
    expect(config.runJobs).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DB_TYPE: 'postgres' }, 'DB_TYPE'],
    [{ DB_TYPE: 'mysql' }, 'DATABASE_URL'],
    [{ DB_TYPE: 'mysql', DATABASE_URL: 'postgres://x' }, 'DATABASE_URL'],
    [{ STORAGE_DRIVER: 's3' }, 'STORAGE_DRIVER'],
    [{ STORAGE_DRIVER: 'minio', S3_ENDPOINT: 'not a url' }, 'S3_ENDPOINT'],
    [{ QUEUE_DRIVER: 'kafka' }, 'QUEUE_DRIVER'],
    [{ QUEUE_DRIVER: 'bull', REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ LIVE_FANOUT: 'kafka' }, 'LIVE_FANOUT'],
    [{ LIVE_FANOUT: 'redis', REDIS_URL: 'http://x' }, 'REDIS_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ DEMO_PASSWORD: '123' }, 'DEMO_PASSWORD'],
    [{ S3_BUCKET: 'Bad_Bucket' }, 'S3_BUCKET'],
  ])('rejects %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: tempDir(), ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toContain(variable);
    expect((error as ConfigError).message).toContain(variable);
  });

  it('accepts the production set of drivers', () => {
    const config = loadConfig({
      DATA_DIR: tempDir(),
      DB_TYPE: 'mysql',
      DATABASE_URL: 'mariadb://root@127.0.0.1:3306/x',
      STORAGE_DRIVER: 'minio',
      S3_ENDPOINT: 'http://127.0.0.1:7480',
      QUEUE_DRIVER: 'bull',
      REDIS_URL: 'redis://127.0.0.1:6379',
      JWT_SECRET: 'x'.repeat(40),
    });
    expect(config.runJobs).toBe(false);
    expect(config.seedOnStart).toBe(false);
  });

  it('requires JWT_SECRET in production on MySQL', () => {
    expect(() =>
      loadConfig({ DATA_DIR: tempDir(), NODE_ENV: 'production', DB_TYPE: 'mysql', DATABASE_URL: 'mysql://root@h/x' }),
    ).toThrow(/JWT_SECRET/);
  });
});
