/**
 * Search benchmark (issue 4, item 12b): our indexed search against a bare `LIKE '%keyword%'` scan over the same
 * 100,000 resources, in the same run, on MariaDB (default) or SQLite.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/search.bench.ts [--db mariadb|sqlite]
 *     [--rows 100000] [--runs 30] [--concurrency 20] [--requests 600]
 *   BENCH_MYSQL_URL (default mariadb://root@127.0.0.1:3306) is the server; the script creates its own database
 *   xz_bench_search_<time> (utf8mb4) and drops it at the end, also on failure or Ctrl-C (`--keep yes` leaves it,
 *   or the SQLite folder, for inspection: drop it yourself). SQLite uses a temp folder.
 *
 * What it does: boots the real api on that database (migrations + seed), bulk-inserts the resources (multi-row
 * INSERTs of bench/search-fixtures.ts rows), builds their search index with the application's own
 * ResourceSearchIndexer, then measures, as teacher.dongcheng (a teacher: the visibility condition applies):
 *   1. query level, sequential: ResourceSearchRepository.find (our index) vs the same SELECT with
 *      `(title LIKE ? OR description LIKE ? OR chapter LIKE ? OR tags LIKE ?)` instead of the index lookups: same
 *      visibility condition, filters, ORDER BY and LIMIT 21, for 2-, 3- and 4-character keywords and filtered
 *      queries; p50/p95 of each and the ratio LIKE / ours;
 *   2. query level, `--concurrency` clients at once, the same comparison;
 *   3. end to end: GET /api/v1/resources over HTTP (auth, validation, visibility, search, list views) with
 *      `--concurrency` concurrent clients.
 */
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { Principal } from '@app/platform';
import { ResourceAccessService } from '@app/domain/resources/resource-access.service';
import { ResourceSearchIndexer } from '@app/domain/resources/search/resource-search.indexer';
import { ResourceSearchRepository, SearchCriteria } from '@app/domain/resources/search/resource-search.repository';
import { queryTokens } from '@app/domain/resources/search/search-terms';
import { createTestApp, TestApp } from '../test/utils/create-app';
import { generateResources, QUERY_KEYWORDS, ResourceRow } from './search-fixtures';
import { runLoad, startApiChild } from './search-http';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const DB = (args.get('db') ?? 'mariadb') as 'mariadb' | 'sqlite';
const ROWS = Number(args.get('rows') ?? 100_000);
const RUNS = Number(args.get('runs') ?? 30);
const CONCURRENCY = Number(args.get('concurrency') ?? 20);
const REQUESTS = Number(args.get('requests') ?? 600);
const KEEP = args.get('keep') === 'yes';
/** An existing database (MariaDB name, or SQLite data folder) kept by an earlier `--keep yes` run: no load, no drop. */
const REUSE = args.get('reuse');
const PHASES = new Set((args.get('phases') ?? 'query,http').split(','));
/** Rounds of the HTTP phase; each round runs the api and the bare endpoint once, alternately. */
const ROUNDS = Number(args.get('rounds') ?? 3);
/** A folder: write a CPU profile of the api during one extra HTTP round (open it in Chrome DevTools). */
const PROFILE = args.get('profile');
/** The api child's LOG_LEVEL (`info`, as in production, logs every request; `silent` shows what logging costs). */
const API_LOG_LEVEL = args.get('log-level') ?? 'info';
/**
 * Another checkout whose api also runs, in the same rounds ("before"), e.g.
 * `git archive <commit> | tar -x -C /tmp/xz-before && ln -s $PWD/node_modules /tmp/xz-before/`.
 */
const BEFORE = args.get('before');
const SERVER = (process.env.BENCH_MYSQL_URL ?? 'mariadb://root@127.0.0.1:3306').replace(/\/+$/, '');

interface Case {
  group: string;
  label: string;
  q: string;
  filters?: Partial<Pick<SearchCriteria, 'subject' | 'grade' | 'type'>>;
  sort?: 'newest' | 'downloads';
}

const CASES: Case[] = [
  ...QUERY_KEYWORDS[2].map((q) => ({ group: '2 characters', label: q, q })),
  ...QUERY_KEYWORDS[3].map((q) => ({ group: '3 characters', label: q, q })),
  ...QUERY_KEYWORDS[4].map((q) => ({ group: '4 characters', label: q, q })),
  { group: 'filtered', label: '函数 + 数学 + 高一', q: '函数', filters: { subject: '数学', grade: '高一' } },
  { group: 'filtered', label: '教学 + 数学 + 高一', q: '教学', filters: { subject: '数学', grade: '高一' } },
  { group: 'filtered', label: '光合作用 + 生物 + 课件', q: '光合作用', filters: { subject: '生物', type: 'courseware' } },
  { group: 'filtered', label: '细胞 + 数学 (no hit)', q: '细胞', filters: { subject: '数学' } },
  { group: 'filtered', label: '函数 + 数学, by downloads', q: '函数', filters: { subject: '数学' }, sort: 'downloads' },
];

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), n: s.length };
};

async function main() {
  let dropDatabase: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  let app: TestApp | undefined;
  const cleanup = async () => {
    await app?.close().catch(() => undefined);
    app = undefined;
    if (KEEP) {
      console.log(`kept: ${dataDir ?? 'the database'} (--keep yes); remove it when done`);
      return;
    }
    if (dropDatabase) await dropDatabase().catch((err) => console.error('could not drop the bench database:', err));
    dropDatabase = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  try {
    const env: Record<string, string> = { STORAGE_DRIVER: 'local', QUEUE_DRIVER: 'memory', SEED_ON_START: 'true', LOG_LEVEL: 'silent' };
    if (DB === 'mariadb') {
      const name = REUSE ?? `xz_bench_search_${Date.now()}`;
      if (!REUSE) {
        const admin = await new DataSource({ type: 'mysql', url: SERVER.replace(/^mariadb:/, 'mysql:') + '/mysql' }).initialize();
        await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        dropDatabase = async () => {
          await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
          await admin.destroy();
        };
      }
      Object.assign(env, { DB_TYPE: 'mysql', DATABASE_URL: `${SERVER}/${name}` });
      console.log(`database ${name} on ${SERVER}${REUSE ? ' (reused)' : ''}`);
    } else if (REUSE) {
      Object.assign(env, { DB_TYPE: 'sqlite', DATA_DIR: REUSE });
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'xz-bench-search-'));
      Object.assign(env, { DB_TYPE: 'sqlite', DATA_DIR: dataDir });
    }
    // A reused database already has its schema and seed; the tree's migrations may have moved on since (and other
    // work in progress may regenerate them), so neither runs again.
    if (REUSE) Object.assign(env, { MIGRATE_ON_START: 'false', SEED_ON_START: 'false' });
    let t0 = now();
    app = await createTestApp(env);
    const ds = app.app.get(DataSource);
    console.log(`api up with migrations and seed in ${ms(now() - t0)} ms`);

    // ---- bulk load ----
    const schools: { id: string; countyId: string | null }[] = await ds.query(`SELECT id, countyId FROM organizations WHERE kind = 'school'`);
    const users: { id: string; organizationId: string }[] = await ds.query(`SELECT id, organizationId FROM users`);
    const anyUser = users[0].id;
    // Spread the rows over every school; schools without a user of their own get one uploader (visibility reads
    // the organization; the uploader only matters to the uploader themself).
    const uploaders = schools.map((s) => ({ organizationId: s.id, id: users.find((u) => u.organizationId === s.id)?.id ?? anyUser }));
    let insertMs = 0;
    let indexMs = 0;
    if (!REUSE) {
      const rows = generateResources(ROWS, schools, uploaders);
      t0 = now();
      await insertResources(ds, rows);
      insertMs = now() - t0;
      t0 = now();
      const indexer = app.app.get(ResourceSearchIndexer);
      for (let i = 0; i < rows.length; i += 1000) {
        const batch = rows.slice(i, i + 1000);
        await ds.transaction((m) => indexer.index(m, batch));
      }
      indexMs = now() - t0;
      if (DB === 'mariadb') await ds.query('ANALYZE TABLE resources, resource_search_docs, resource_search_terms');
    }
    const [{ n: termRows }] = await ds.query('SELECT COUNT(*) AS n FROM resource_search_terms');
    const sizes =
      DB === 'mariadb'
        ? await ds.query(
            `SELECT table_name AS name, ROUND(data_length / 1048576) AS dataMb, ROUND(index_length / 1048576) AS indexMb FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('resources', 'resource_search_docs', 'resource_search_terms')`,
          )
        : [];
    if (!REUSE) console.log(
      `loaded ${ROWS} resources in ${ms(insertMs / 1000)} s; indexed by ResourceSearchIndexer in ${ms(indexMs / 1000)} s ` +
        `(${Number(termRows)} term rows, ${(Number(termRows) / ROWS).toFixed(1)} per resource, ${Math.round(ROWS / (indexMs / 1000))} resources/s)`,
    );
    for (const s of sizes) console.log(`  ${s.name ?? s.NAME}: data ${s.dataMb ?? s.DATAMB} MB, indexes ${s.indexMb ?? s.INDEXMB} MB`);
    if (DB === 'mariadb') {
      const [v] = await ds.query('SELECT VERSION() AS v, @@innodb_buffer_pool_size / 1048576 AS bp');
      console.log(`  server ${v.v}, innodb_buffer_pool_size ${Math.round(Number(v.bp))} MB`);
    }

    // ---- the two queries ----
    const token = await app.login('teacher.dongcheng');
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    const principal: Principal = { userId: claims.sub, username: claims.usr, role: claims.role, organizationId: claims.org, countyId: claims.cty };
    const repository = app.app.get(ResourceSearchRepository);
    const access = app.app.get(ResourceAccessService);
    const visibility = await access.visibleResourceFilter(principal, 'r');
    const criteria = (c: Case): SearchCriteria => ({ visibility, tokens: queryTokens(c.q), status: 'published', sort: c.sort ?? 'newest', limit: 21, ...c.filters });
    const ours = async (c: Case) => (await repository.find(criteria(c))).map((h) => h.id);
    const like = async (c: Case) => {
      const params: Record<string, unknown> = { ...visibility.params, status: 'published', kw: `%${c.q}%` };
      const where = [visibility.sql, 'r.status = :status', '(r.title LIKE :kw OR r.description LIKE :kw OR r.chapter LIKE :kw OR r.tags LIKE :kw)'];
      for (const [k, v] of Object.entries(c.filters ?? {})) {
        where.push(`r.${k} = :f_${k}`);
        params[`f_${k}`] = v;
      }
      const order = c.sort === 'downloads' ? 'r.downloadCount DESC, r.id DESC' : 'r.createdAt DESC, r.id DESC';
      const [sql, values] = ds.driver.escapeQueryWithParameters(
        `SELECT r.id AS id, r.createdAt AS createdAt, r.downloadCount AS downloadCount FROM resources r WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT 21`,
        params,
      );
      return ((await ds.query(sql, values)) as { id: string }[]).map((r) => r.id);
    };

    // ---- 1. sequential ----
    if (PHASES.has('query')) {
    console.log(`\n## Query level, one client (${RUNS} runs per query after 3 warm-up runs; times in ms)\n`);
    console.log('| group | query | rows (LIMIT 21) | same rows as LIKE | ours p50 | ours p95 | LIKE p50 | LIKE p95 | LIKE/ours p50 | LIKE/ours p95 |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    const byGroup = new Map<string, { ours: number[]; like: number[] }>();
    for (const c of CASES) {
      const a = await ours(c);
      const b = await like(c);
      for (let i = 0; i < 2; i++) {
        await ours(c);
        await like(c);
      }
      const o: number[] = [];
      const l: number[] = [];
      // interleaved, so a slow moment of the shared machine hits both alike
      for (let i = 0; i < RUNS; i++) {
        let s = now();
        await ours(c);
        o.push(now() - s);
        s = now();
        await like(c);
        l.push(now() - s);
      }
      const g = byGroup.get(c.group) ?? { ours: [], like: [] };
      g.ours.push(...o);
      g.like.push(...l);
      byGroup.set(c.group, g);
      const so = summary(o);
      const sl = summary(l);
      console.log(
        `| ${c.group} | ${c.label} | ${a.length} | ${a.join() === b.join() ? 'yes' : `no (${b.length})`} | ${ms(so.p50)} | ${ms(so.p95)} | ${ms(sl.p50)} | ${ms(sl.p95)} | ${(sl.p50 / so.p50).toFixed(1)} | ${(sl.p95 / so.p95).toFixed(1)} |`,
      );
    }
    console.log('\n| group (all its runs) | ours p50 | ours p95 | LIKE p50 | LIKE p95 | LIKE/ours p50 | LIKE/ours p95 |');
    console.log('|---|---|---|---|---|---|---|');
    for (const [group, g] of byGroup) {
      const so = summary(g.ours);
      const sl = summary(g.like);
      console.log(`| ${group} | ${ms(so.p50)} | ${ms(so.p95)} | ${ms(sl.p50)} | ${ms(sl.p95)} | ${(sl.p50 / so.p50).toFixed(1)} | ${(sl.p95 / so.p95).toFixed(1)} |`);
    }

    // ---- 2. concurrent, query level ----
    const closedLoop = async (fn: (c: Case) => Promise<unknown>, total: number) => {
      const latencies: number[] = [];
      let next = 0;
      const start = now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < total; i = next++) {
            const s = now();
            await fn(CASES[i % CASES.length]);
            latencies.push(now() - s);
          }
        }),
      );
      return { ...summary(latencies), perSecond: total / ((now() - start) / 1000) };
    };
    console.log(`\n## ${CONCURRENCY} concurrent clients, every query above in turn (ms)\n`);
    console.log('| what | requests | p50 | p95 | per second |');
    console.log('|---|---|---|---|---|');
    const co = await closedLoop(ours, REQUESTS);
    console.log(`| query: ours | ${co.n} | ${ms(co.p50)} | ${ms(co.p95)} | ${Math.round(co.perSecond)} |`);
    const cl = await closedLoop(like, Math.max(CONCURRENCY, Math.round(REQUESTS / 4)));
    console.log(`| query: LIKE | ${cl.n} | ${ms(cl.p50)} | ${ms(cl.p95)} | ${Math.round(cl.perSecond)} |`);
    console.log(`| ratio LIKE/ours | | ${(cl.p50 / co.p50).toFixed(1)} | ${(cl.p95 / co.p95).toFixed(1)} | |`);
    }

    // ---- 3. end to end over HTTP, api and load client in processes of their own ----
    if (PHASES.has('http')) await httpPhase(env, CASES);
  } finally {
    await cleanup();
  }
}

/**
 * GET /api/v1/resources through the real api (a child process, production settings, request log at `info` into a
 * file) against the same service call behind a bare node:http handler in that process, with a closed-loop client
 * in a third process; rounds alternate api and bare so that a busy moment of the shared machine hits both.
 */
async function httpPhase(dbEnv: Record<string, string>, cases: Case[]): Promise<void> {
  const childDir = mkdtempSync(join(tmpdir(), 'xz-bench-api-'));
  const env: Record<string, string> = {
    DB_TYPE: dbEnv.DB_TYPE,
    ...(dbEnv.DATABASE_URL ? { DATABASE_URL: dbEnv.DATABASE_URL } : {}),
    // SQLite: the database file lives in DATA_DIR, shared with the loader; the api's own secrets go there too.
    DATA_DIR: dbEnv.DB_TYPE === 'sqlite' ? dbEnv.DATA_DIR : childDir,
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    STORAGE_DRIVER: 'local',
    QUEUE_DRIVER: 'memory',
    RUN_JOBS: 'false',
    SEED_ON_START: 'false',
    MIGRATE_ON_START: dbEnv.MIGRATE_ON_START ?? 'true',
    LOG_LEVEL: API_LOG_LEVEL,
  };
  const logFile = join(childDir, 'api.log');
  const api = await startApiChild(env, logFile, 'teacher.dongcheng');
  let before: Awaited<ReturnType<typeof startApiChild>> | undefined;
  try {
    if (BEFORE) {
      const beforeDir = dbEnv.DB_TYPE === 'sqlite' ? dbEnv.DATA_DIR : mkdtempSync(join(childDir, 'before-'));
      before = await startApiChild({ ...env, DATA_DIR: beforeDir }, join(childDir, 'api-before.log'), 'teacher.dongcheng', BEFORE);
    }
    const paths = cases.map((c) => {
      const qs = new URLSearchParams({ q: c.q, ...(c.filters as Record<string, string>), ...(c.sort ? { sort: c.sort } : {}) });
      return `/api/v1/resources?${qs}`;
    });
    const spec = (base: string, token = api.token) => ({ urls: paths.map((p) => base + p), token, concurrency: CONCURRENCY, total: REQUESTS, warmup: 2 * paths.length, maxSeconds: 120 });
    type Side = 'api' | 'before' | 'bare';
    const order: Side[] = before ? ['api', 'before', 'bare'] : ['api', 'bare'];
    const sides = Object.fromEntries(order.map((k) => [k, { lat: [] as number[], s: 0, n: 0, cpu: 0 }])) as Record<Side, { lat: number[]; s: number; n: number; cpu: number }>;
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of order) {
        const server = side === 'before' ? before! : api;
        const usage0 = await server.usage();
        const r = await runLoad(spec(side === 'bare' ? api.bareUrl : server.url, server.token));
        const usage1 = await server.usage();
        if (r.errors.length) throw new Error(`${side}: ${r.errors.join('; ')}`);
        sides[side].lat.push(...r.latencies);
        sides[side].s += r.seconds;
        sides[side].n += r.latencies.length;
        sides[side].cpu += usage1.cpuUserMs + usage1.cpuSystemMs - usage0.cpuUserMs - usage0.cpuSystemMs;
      }
    }
    const rate = (x: { s: number; n: number }) => x.n / x.s;
    const cpu = (x: { cpu: number; n: number }) => x.cpu / x.n;
    const label: Record<Side, string> = {
      api: 'api: GET /api/v1/resources (JWT, guard, validation, logging, metrics, search)',
      before: `api as of ${BEFORE}: the same request`,
      bare: 'bare: the same ResourceSearchService.search behind node:http',
    };
    console.log(`\n## HTTP, ${CONCURRENCY} concurrent keep-alive clients in a separate process, ${ROUNDS} x ${REQUESTS} requests per side, alternating (ms; api LOG_LEVEL=${API_LOG_LEVEL})\n`);
    console.log('| side | requests | p50 | p95 | per second | api process CPU per request (ms) |');
    console.log('|---|---|---|---|---|---|');
    const b = summary(sides.bare.lat);
    for (const side of order) {
      const x = summary(sides[side].lat);
      console.log(`| ${label[side]} | ${x.n} | ${ms(x.p50)} | ${ms(x.p95)} | ${Math.round(rate(sides[side]))} | ${cpu(sides[side]).toFixed(2)} |`);
    }
    for (const side of order.filter((s) => s !== 'bare')) {
      const x = summary(sides[side].lat);
      console.log(`| ${side} / bare | | ${(x.p50 / b.p50).toFixed(2)} | ${(x.p95 / b.p95).toFixed(2)} | ${(rate(sides[side]) / rate(sides.bare)).toFixed(2)} | ${(cpu(sides[side]) / cpu(sides.bare)).toFixed(2)} |`);
    }
    if (before) {
      const x = summary(sides.api.lat);
      const y = summary(sides.before.lat);
      console.log(`| api / before | | ${(x.p50 / y.p50).toFixed(2)} | ${(x.p95 / y.p95).toFixed(2)} | ${(rate(sides.api) / rate(sides.before)).toFixed(2)} | ${(cpu(sides.api) / cpu(sides.before)).toFixed(2)} |`);
    }
    if (PROFILE) {
      mkdirSync(PROFILE, { recursive: true });
      const file = join(PROFILE, `api-${Date.now()}.cpuprofile`);
      await api.profileStart();
      await runLoad(spec(api.url));
      await api.profileStop(file);
      // The bare endpoint runs in the same process: its profile is the floor to diff against.
      const bareFile = file.replace(/^(.*)api-/, '$1bare-');
      await api.profileStart();
      await runLoad(spec(api.bareUrl));
      await api.profileStop(bareFile);
      console.log(`\nCPU profiles of one api round: ${file}, and of one bare round: ${bareFile}`);
      if (before) {
        const beforeFile = file.replace(/^(.*)api-/, '$1before-');
        await before.profileStart();
        await runLoad(spec(before.url, before.token));
        await before.profileStop(beforeFile);
        console.log(`CPU profile of one round of the api as of ${BEFORE}: ${beforeFile}`);
      }
    }
  } finally {
    await before?.stop();
    await api.stop();
    rmSync(childDir, { recursive: true, force: true });
  }
}

/** Multi-row INSERTs, 500 rows a statement, 10,000 rows a transaction. */
async function insertResources(ds: DataSource, rows: ResourceRow[]): Promise<void> {
  const cols = ['id', 'title', 'description', 'type', 'subject', 'grade', 'edition', 'chapter', 'tags', 'organizationId', 'ownerCountyId', 'uploaderId', 'visibility', 'status', 'downloadCount', 'publishedAt', 'createdAt', 'updatedAt'];
  const sqlite = ds.options.type === 'better-sqlite3';
  const quote = (c: string) => (sqlite ? `"${c}"` : `\`${c}\``);
  const value = (v: unknown) => (sqlite && v instanceof Date ? v.toISOString().replace('T', ' ').replace('Z', '') : v);
  const qr = ds.createQueryRunner();
  try {
    for (let i = 0; i < rows.length; i += 10_000) {
      await qr.startTransaction();
      for (let j = i; j < Math.min(rows.length, i + 10_000); j += 500) {
        const chunk = rows.slice(j, Math.min(j + 500, i + 10_000));
        const params: unknown[] = [];
        for (const r of chunk) {
          params.push(r.id, r.title, r.description, r.type, r.subject, r.grade, r.edition, r.chapter, JSON.stringify(r.tags), r.organizationId, r.ownerCountyId, r.uploaderId, r.visibility, r.status, r.downloadCount, r.status === 'published' ? r.createdAt : null, r.createdAt, r.createdAt);
        }
        const placeholders = chunk.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ');
        await qr.query(`INSERT INTO resources (${cols.map(quote).join(', ')}) VALUES ${placeholders}`, params.map(value));
      }
      await qr.commitTransaction();
    }
  } finally {
    await qr.release();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
