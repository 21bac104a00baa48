import 'reflect-metadata';
import { randomBytes, createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);

/**
 * The one validated configuration of the platform. Built once from the environment by `loadConfig`;
 * nothing else reads `process.env`. Defaults are the embedded mode (SQLite, local folder, in-process jobs).
 */
export class AppConfig {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString() @MinLength(1)
  DATA_DIR = './data';

  @IsIn(['sqlite', 'mysql'])
  DB_TYPE: 'sqlite' | 'mysql' = 'sqlite';

  /**
   * sqlite: a file path (default DATA_DIR/platform.sqlite). mysql: mysql://user:pass@host:port/db for MySQL 8,
   * mariadb://... for MariaDB (TypeORM reads column defaults differently on the two).
   */
  @ValidateIf((c: AppConfig) => c.DB_TYPE === 'mysql')
  @Matches(/^(mysql|mariadb):\/\/.+/, { message: 'DATABASE_URL must be a mysql:// or mariadb:// URL when DB_TYPE=mysql' })
  DATABASE_URL?: string;

  @Transform(toBool) @IsBoolean()
  MIGRATE_ON_START = true;

  /** Loads the Guangyuan seed at start-up (idempotent). Defaults to on for the embedded SQLite mode. */
  @IsOptional() @Transform(toBool) @IsBoolean()
  SEED_ON_START?: boolean;

  @IsIn(['local', 'minio'])
  STORAGE_DRIVER: 'local' | 'minio' = 'local';

  @ValidateIf((c: AppConfig) => c.STORAGE_DRIVER === 'minio')
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'S3_ENDPOINT must be an http(s) URL' })
  S3_ENDPOINT = 'http://127.0.0.1:9000';

  /**
   * The store's address as browsers reach it, when it differs from S3_ENDPOINT (e.g. docker-compose: the api uses
   * http://minio:9000, browsers http://localhost:9000). Presigned URLs are signed for this host. Default: S3_ENDPOINT.
   */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'S3_PUBLIC_ENDPOINT must be an http(s) URL' })
  S3_PUBLIC_ENDPOINT?: string;

  @ValidateIf((c: AppConfig) => c.STORAGE_DRIVER === 'minio') @IsString() @MinLength(1)
  S3_ACCESS_KEY = 'minioadmin';

  @ValidateIf((c: AppConfig) => c.STORAGE_DRIVER === 'minio') @IsString() @MinLength(1)
  S3_SECRET_KEY = 'minioadmin';

  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)' })
  S3_BUCKET = 'xianzhong';

  @IsString() @MinLength(1)
  S3_REGION = 'us-east-1';

  @IsIn(['memory', 'bull'])
  QUEUE_DRIVER: 'memory' | 'bull' = 'memory';

  @ValidateIf((c: AppConfig) => c.QUEUE_DRIVER === 'bull' || c.LIVE_FANOUT === 'redis')
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * How live socket.io events reach clients connected to other processes. memory: only this api instance's own
   * clients (one instance; the embedded mode). redis: @socket.io/redis-adapter on REDIS_URL, so several api
   * instances share rooms and apps/worker can emit through @socket.io/redis-emitter.
   */
  @IsIn(['memory', 'redis'])
  LIVE_FANOUT: 'memory' | 'redis' = 'memory';

  /**
   * Key prefix for what the platform keeps in Redis (bull queues, the socket.io fan-out channels), so several
   * deployments (or test runs) can share one Redis. Instances of one deployment must use the same prefix.
   */
  @IsString() @Matches(/^[A-Za-z0-9:_-]{1,40}$/)
  QUEUE_PREFIX = 'xz';

  /** Whether this process runs job handlers. Embedded: the api does; with bull, apps/worker does. */
  @IsOptional() @Transform(toBool) @IsBoolean()
  RUN_JOBS?: boolean;

  /** HMAC secret for access tokens. Embedded: generated once and kept in DATA_DIR/jwt-secret. */
  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @Transform(toInt) @IsInt() @Min(60) @Max(86400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  @Transform(toInt) @IsInt() @Min(300) @Max(90 * 86400)
  REFRESH_TOKEN_TTL_SECONDS = 30 * 86400;

  /** Failed-or-not login attempts allowed per minute per username. */
  @Transform(toInt) @IsInt() @Min(1) @Max(10000)
  LOGIN_RATE_LIMIT = 10;

  /**
   * Login attempts allowed per minute per client address. Higher than the per-username limit because a whole
   * school signs in from behind one NAT address (and the e2e specs all sign in from 127.0.0.1).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(100000)
  LOGIN_RATE_LIMIT_PER_IP = 100;

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'PUBLIC_URL must be an http(s) URL' })
  PUBLIC_URL?: string;

  @IsString() @MinLength(8, { message: 'DEMO_PASSWORD must be at least 8 characters' })
  DEMO_PASSWORD = 'Guangyuan@2026';

  /** Largest JSON or form body the api accepts, in bytes. */
  @Transform(toInt) @IsInt() @Min(1024) @Max(50 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /** Largest spreadsheet accepted by the imports, in bytes. */
  @Transform(toInt) @IsInt() @Min(1024) @Max(100 * 1024 * 1024)
  IMPORT_MAX_BYTES = 10 * 1024 * 1024;

  /** Largest evidence file (佐证材料) accepted per file with a plan's progress update, in bytes. */
  @Transform(toInt) @IsInt() @Min(1024) @Max(1024 * 1024 * 1024)
  EVIDENCE_MAX_BYTES = 50 * 1024 * 1024;

  /** Days a rectification order (限期整改) opened by the supervision scan gives the unit to rectify. */
  @Transform(toInt) @IsInt() @Min(1) @Max(365)
  RECTIFICATION_DEADLINE_DAYS = 30;

  /** When the daily supervision scan runs: a cron pattern read in Asia/Shanghai (default 06:00 every day). */
  @IsString() @Matches(/^(\S+\s+){4,5}\S+$/, { message: 'SUPERVISION_SCAN_CRON must be a cron pattern of 5 or 6 fields' })
  SUPERVISION_SCAN_CRON = '0 6 * * *';

  // ---- resource library (资源库) ----
  /** Largest file accepted by the direct upload (POST /resources/:id/content), in bytes; bigger files use the resumable upload. */
  @Transform(toInt) @IsInt() @Min(1024) @Max(5 * 1024 * 1024 * 1024)
  RESOURCE_UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

  /** Largest file accepted by the resumable (multipart) upload, in bytes (S3 allows 5 TiB; lesson videos stay under 5 GB). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(5 * 1024 * 1024 * 1024 * 1024)
  RESOURCE_MULTIPART_MAX_BYTES = 5 * 1024 * 1024 * 1024;

  /** Part size offered to resumable uploads, in bytes (at least S3's 5 MiB; raised automatically to stay within 10,000 parts). */
  @Transform(toInt) @IsInt() @Min(5 * 1024 * 1024) @Max(5 * 1024 * 1024 * 1024)
  RESOURCE_PART_BYTES = 8 * 1024 * 1024;

  /** redirect: GET .../download answers 302 to a short-lived presigned URL; stream: the api streams the bytes (Range/206). */
  @IsIn(['redirect', 'stream'])
  RESOURCE_DOWNLOAD_MODE: 'redirect' | 'stream' = 'redirect';

  /** Lifetime of presigned download and part-upload URLs, in seconds. */
  @Transform(toInt) @IsInt() @Min(30) @Max(7 * 86400)
  RESOURCE_URL_TTL_SECONDS = 300;

  /** Storage quota of an organization unless the city sets another, in bytes. */
  @Transform(toInt) @IsInt() @Min(0)
  RESOURCE_QUOTA_BYTES = 20 * 1024 * 1024 * 1024;

  /** Resumable uploads idle this many hours are aborted and their parts deleted by the cleanup job. */
  @Transform(toInt) @IsInt() @Min(1) @Max(24 * 30)
  UPLOAD_ABANDON_HOURS = 24;

  /** A pushed resource package still unopened by a target school this many days after the push is flagged to the pusher. */
  @Transform(toInt) @IsInt() @Min(1) @Max(365)
  PUSH_UNOPENED_DAYS = 7;

  // ---- training hours (继续教育学时) ----
  /** Training hours each teacher should reach per calendar year (POLICY.md: at least 72 class hours a year). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  TRAINING_HOURS_TARGET = 72;

  /**
   * Minutes after a research session's scheduled end at which a session the host never ended is ended by the
   * system (attendance finalised, credited up to the scheduled end). 0 ends it at the scheduled end.
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(24 * 60)
  RESEARCH_AUTO_END_GRACE_MINUTES = 30;

  // ---- live research room (socket.io /live) ----
  /** Longest chat message, in characters (at most 16000: a MySQL TEXT column holds 65,535 bytes of utf8mb4). */
  @Transform(toInt) @IsInt() @Min(1) @Max(16000)
  LIVE_MAX_MESSAGE_CHARS = 2000;

  /** Events per second one socket may send on /live (token bucket; bursts up to twice this are absorbed). */
  @Transform(toInt) @IsInt() @Min(1) @Max(10000)
  LIVE_EVENTS_PER_SECOND = 20;

  /** Distinct users one live room admits; the next join is refused with LIVE_ROOM_FULL. */
  @Transform(toInt) @IsInt() @Min(2) @Max(100000)
  LIVE_ROOM_MAX_PARTICIPANTS = 1500;

  /**
   * Largest payload of one /live event, in bytes (refused with an error ack). Below socket.io's server-wide
   * maxHttpBufferSize (1 MB), beyond which the transport itself drops the connection without a reason.
   */
  @Transform(toInt) @IsInt() @Min(1024) @Max(900 * 1024)
  LIVE_MAX_EVENT_BYTES = 256 * 1024;

  /** Largest Yjs update of the shared minutes one client may send (a stored row is a MySQL BLOB, < 64 KiB). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(60000)
  LIVE_MINUTES_UPDATE_MAX_BYTES = 32 * 1024;

  /** Stored minutes updates of one session beyond which loading compacts them into few rows. */
  @Transform(toInt) @IsInt() @Min(2) @Max(10000)
  LIVE_MINUTES_COMPACT_AFTER = 100;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  // ---- derived after validation ----
  get dataDir(): string {
    return isAbsolute(this.DATA_DIR) ? this.DATA_DIR : resolve(this.DATA_DIR);
  }
  get sqlitePath(): string {
    return this.DATABASE_URL && this.DB_TYPE === 'sqlite' ? this.DATABASE_URL : join(this.dataDir, 'platform.sqlite');
  }
  get publicUrl(): string {
    return (this.PUBLIC_URL ?? `http://localhost:${this.PORT}`).replace(/\/+$/, '');
  }
  get seedOnStart(): boolean {
    return this.SEED_ON_START ?? this.DB_TYPE === 'sqlite';
  }
  get runJobs(): boolean {
    return this.RUN_JOBS ?? this.QUEUE_DRIVER === 'memory';
  }
  get jwtSecret(): string {
    if (!this.JWT_SECRET) throw new Error('JWT_SECRET was not resolved; build the config with loadConfig()');
    return this.JWT_SECRET;
  }
  /** Prefix of the socket.io fan-out channels in Redis (redis-adapter in the api, redis-emitter in the worker). */
  get liveFanoutKey(): string {
    return `${this.QUEUE_PREFIX}:socket.io`;
  }
  /** A separate key for signing the local storage driver's URLs, derived so one secret is enough. */
  get storageSigningSecret(): string {
    return createHmac('sha256', this.jwtSecret).update('local-storage-url-signing').digest('hex');
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const KNOWN = Object.keys(new AppConfig());

/**
 * Validates the environment into an AppConfig. Throws ConfigError naming each bad variable.
 * In the embedded mode a missing JWT_SECRET is generated once and kept in DATA_DIR.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of [...KNOWN, 'DATABASE_URL', 'SEED_ON_START', 'RUN_JOBS', 'JWT_SECRET', 'PUBLIC_URL']) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length) {
    throw new ConfigError(
      errors.map((e) => ({ variable: e.property, message: Object.values(e.constraints ?? {}).join('; ') || 'invalid value' })),
    );
  }
  if (!config.JWT_SECRET) {
    if (config.NODE_ENV === 'production' && config.DB_TYPE === 'mysql') {
      throw new ConfigError([{ variable: 'JWT_SECRET', message: 'must be set in production (a random string of 32+ characters)' }]);
    }
    config.JWT_SECRET = readOrCreateSecret(join(config.dataDir, 'jwt-secret'));
  }
  return config;
}

function readOrCreateSecret(file: string): string {
  if (existsSync(file)) {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  }
  mkdirSync(resolve(file, '..'), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
