/**
 * Download benchmark of the resource library (issue 4, item 12a, download side).
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/download.bench.ts
 *
 * Compares, in one run and on the configured drivers (STORAGE_DRIVER etc., as the api reads them):
 *   baseline  GET of a presigned URL straight from the object store (no api involved on S3; on the local
 *             driver the store *is* the api's /storage/local route, so this is the driver serving its own URL)
 *   redirect  GET /api/v1/resources/:id/download (auth, visibility check, count, 302) + following the URL
 *   stream    the same with RESOURCE_DOWNLOAD_MODE=stream: the bytes flow through the api process
 * and reports MB/s (median of BENCH_RUNS), each path's ratio to the baseline, and the api process's RSS (the
 * api runs in a child process, sampled every 50 ms, so the client's own memory is not counted).
 *
 * Environment: BENCH_SIZE_MB (default 1024), BENCH_RUNS (default 3), plus the api's own variables. The object is
 * uploaded once through the resumable upload (parts PUT straight to the store) and verified by the processing job;
 * every path is checked once (SHA-256 of the downloaded bytes) before the timed runs.
 */
import { fork, ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MiB = 1024 * 1024;

// ---------------------------------------------------------------- the api, in its own process

type ToServer = { type: 'mode'; mode: 'redirect' | 'stream' } | { type: 'rss-reset' } | { type: 'rss-read' } | { type: 'stop' };
type FromServer = { type: 'ready'; url: string; proxyUrl: string; driver: string; db: string; baselineRss: number } | { type: 'mode-set' } | { type: 'rss'; peak: number; now: number };

async function serve(): Promise<void> {
  const { NestFactory } = await import('@nestjs/core');
  const { ApiModule } = await import('../apps/api/src/api.module');
  const { configureApp } = await import('../apps/api/src/configure-app');
  const { AppConfig } = await import('@app/platform');
  const app = await NestFactory.create(ApiModule, { bufferLogs: true, bodyParser: false, logger: ['error'] });
  const config = configureApp(app as never);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  app.get(AppConfig).PUBLIC_URL = url;
  // The reference for the streamed path: a bare Node proxy in the same process (no Nest, no auth, no database),
  // piping the object store's response for a presigned URL into the client's response.
  const http = await import('node:http');
  const proxy = http.createServer((req, res) => {
    const target = new URL(req.url!, 'http://x').searchParams.get('u')!;
    http.get(target, (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, { 'content-length': upstream.headers['content-length'] ?? '' });
      upstream.pipe(res);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/`;
  let peak = process.memoryUsage().rss;
  setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50).unref();
  const send = (m: FromServer) => process.send!(m);
  process.on('message', async (m: ToServer) => {
    if (m.type === 'mode') {
      app.get(AppConfig).RESOURCE_DOWNLOAD_MODE = m.mode;
      send({ type: 'mode-set' });
    } else if (m.type === 'rss-reset') {
      global.gc?.();
      peak = process.memoryUsage().rss;
      send({ type: 'rss', peak, now: peak });
    } else if (m.type === 'rss-read') {
      send({ type: 'rss', peak, now: process.memoryUsage().rss });
    } else if (m.type === 'stop') {
      await app.close();
      process.exit(0);
    }
  });
  send({ type: 'ready', url, proxyUrl, driver: config.STORAGE_DRIVER, db: config.DB_TYPE, baselineRss: process.memoryUsage().rss });
}

// ---------------------------------------------------------------- the client

class Server {
  private waiting: ((m: FromServer) => void)[] = [];
  constructor(readonly child: ChildProcess) {
    child.on('message', (m: FromServer) => this.waiting.shift()?.(m));
  }
  request(m: ToServer): Promise<FromServer> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send(m);
    });
  }
  next(): Promise<FromServer> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** Part i of the synthetic file: one random block with the part number stamped in (an mp4 header on part 1). */
function makePart(block: Buffer, i: number, size: number): Buffer {
  const part = Buffer.from(block.subarray(0, size));
  part.writeUInt32BE(i, 64);
  if (i === 1) Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom\0\0\x02\0isomiso2avc1mp41', 'latin1')]).copy(part, 0);
  return part;
}

/** 16 MiB parts (fewer requests than the 8 MiB default), more for files past 160 GB. */
function partSizeFor(size: number): number {
  return Math.max(16 * MiB, Math.ceil(size / 10000 / MiB) * MiB);
}

async function readAll(res: Response, hash?: ReturnType<typeof createHash>): Promise<number> {
  let n = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.byteLength;
    hash?.update(value);
  }
}

async function main(): Promise<void> {
  const sizeMb = Number(process.env.BENCH_SIZE_MB ?? 1024);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const size = Math.round(sizeMb * MiB);
  const dataDir = process.env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'xz-bench-dl-'));
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    SEED_ON_START: process.env.SEED_ON_START ?? 'true',
    RUN_JOBS: 'true',
    LOG_LEVEL: 'error',
    NODE_ENV: 'production',
    JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
    RESOURCE_MULTIPART_MAX_BYTES: String(Math.max(size, 5 * 1024 * MiB)),
    RESOURCE_QUOTA_BYTES: String(size * 4),
    RESOURCE_URL_TTL_SECONDS: '3600',
    RESOURCE_PART_BYTES: String(partSizeFor(size)),
  };
  const child = fork(__filename, ['--serve'], { env, execArgv: ['--expose-gc', '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'] });
  const server = new Server(child);
  const ready = (await server.next()) as Extract<FromServer, { type: 'ready' }>;
  const api = ready.url;
  try {
    const login = await fetch(`${api}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'teacher.jianzhou', password: process.env.DEMO_PASSWORD ?? 'Guangyuan@2026' }),
    });
    if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const auth = { authorization: `Bearer ${token}` };
    const json = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api}${path}`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };

    // The object: uploaded once with the resumable upload, parts straight to the store.
    const created = await json('POST', '/api/v1/resources', { title: `下载基准 ${Date.now()}`, type: 'micro_lecture', subject: '物理', grade: '高二', visibility: 'school' });
    const partSize = partSizeFor(size);
    const block = randomBytes(partSize);
    const partCount = Math.ceil(size / partSize);
    const fileHash = createHash('sha256');
    for (let i = 1; i <= partCount; i++) fileHash.update(makePart(block, i, Math.min(partSize, size - (i - 1) * partSize)));
    const sha256 = fileHash.digest('hex');
    const init = await json('POST', `/api/v1/resources/${created.id}/uploads`, { filename: '下载基准.mp4', size, sha256, contentType: 'video/mp4' });
    if (init.partSize !== partSize) throw new Error(`server part size ${init.partSize} differs from the bench's ${partSize}`);
    const upStart = performance.now();
    const etags: { partNumber: number; etag: string }[] = [];
    let next = 1;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i > init.partCount) return;
        const { url } = await json('POST', `/api/v1/uploads/${init.uploadId}/parts/${i}`);
        const res = await fetch(url, { method: 'PUT', body: makePart(block, i, Math.min(partSize, size - (i - 1) * partSize)) });
        if (!res.ok) throw new Error(`part ${i}: ${res.status} ${await res.text()}`);
        etags.push({ partNumber: i, etag: res.headers.get('etag')! });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const upSeconds = (performance.now() - upStart) / 1000;
    etags.sort((a, b) => a.partNumber - b.partNumber);
    await json('POST', `/api/v1/uploads/${init.uploadId}/complete`, { parts: etags });
    const procStart = performance.now();
    for (;;) {
      const r = await json('GET', `/api/v1/resources/${created.id}`);
      if (r.status === 'published') break;
      if (r.status !== 'processing') throw new Error(`processing ended in ${r.status}: ${r.rejectReason}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    const procSeconds = (performance.now() - procStart) / 1000;

    const presignedUrl = async (): Promise<string> => {
      await server.request({ type: 'mode', mode: 'redirect' });
      const res = await fetch(`${api}/api/v1/resources/${created.id}/download`, { headers: auth, redirect: 'manual' });
      if (res.status !== 302) throw new Error(`expected 302, got ${res.status}`);
      return res.headers.get('location')!;
    };
    const paths: Record<'baseline' | 'redirect' | 'stream' | 'bareProxy', (hash?: ReturnType<typeof createHash>) => Promise<number>> = {
      // The URL is issued outside the timing: only the object store's transfer is measured.
      baseline: async (hash) => {
        const url = await presignedUrl();
        const t0 = performance.now();
        const res = await fetch(url);
        if (res.status !== 200) throw new Error(`baseline: ${res.status}`);
        if ((await readAll(res, hash)) !== size) throw new Error('baseline: short read');
        return performance.now() - t0;
      },
      redirect: async (hash) => {
        await server.request({ type: 'mode', mode: 'redirect' });
        const t0 = performance.now();
        const res = await fetch(`${api}/api/v1/resources/${created.id}/download`, { headers: auth });
        if (res.status !== 200) throw new Error(`redirect: ${res.status}`);
        if ((await readAll(res, hash)) !== size) throw new Error('redirect: short read');
        return performance.now() - t0;
      },
      stream: async (hash) => {
        await server.request({ type: 'mode', mode: 'stream' });
        const t0 = performance.now();
        const res = await fetch(`${api}/api/v1/resources/${created.id}/download`, { headers: auth });
        if (res.status !== 200) throw new Error(`stream: ${res.status}`);
        if ((await readAll(res, hash)) !== size) throw new Error('stream: short read');
        return performance.now() - t0;
      },
      bareProxy: async (hash) => {
        const url = await presignedUrl();
        const t0 = performance.now();
        const res = await fetch(`${ready.proxyUrl}?u=${encodeURIComponent(url)}`);
        if (res.status !== 200) throw new Error(`bare proxy: ${res.status}`);
        if ((await readAll(res, hash)) !== size) throw new Error('bare proxy: short read');
        return performance.now() - t0;
      },
    };

    // Each path once, verified, untimed (also warms caches equally).
    for (const [name, run] of Object.entries(paths)) {
      const h = createHash('sha256');
      await run(h);
      if (h.digest('hex') !== sha256) throw new Error(`${name}: downloaded bytes differ from the upload`);
    }

    const times: Record<string, number[]> = { baseline: [], redirect: [], stream: [], bareProxy: [] };
    const rss: Record<string, number> = {};
    const growth: Record<string, number> = {};
    const base = (await server.request({ type: 'rss-reset' })) as Extract<FromServer, { type: 'rss' }>;
    // Interleaved so drift (page cache, radosgw gc) hits every path alike.
    for (let r = 0; r < runs; r++) {
      for (const name of Object.keys(paths) as (keyof typeof paths)[]) {
        const before = (await server.request({ type: 'rss-reset' })) as Extract<FromServer, { type: 'rss' }>;
        times[name].push(await paths[name]());
        const after = (await server.request({ type: 'rss-read' })) as Extract<FromServer, { type: 'rss' }>;
        rss[name] = Math.max(rss[name] ?? 0, after.peak);
        growth[name] = Math.max(growth[name] ?? 0, after.peak - before.now);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const mbps = (ms: number) => size / MiB / (ms / 1000);
    const baseMbps = mbps(median(times.baseline));
    const mb = (b: number) => `${(b / MiB).toFixed(0)} MB`;

    const lines = [
      `download benchmark: ${sizeMb} MiB object, storage=${ready.driver}, db=${ready.db}, ${runs} timed run(s) per path (median), api in a child process`,
      `upload (resumable, 4 parallel parts straight to the store): ${(size / MiB / upSeconds).toFixed(1)} MB/s; processing (verify + dedupe): ${procSeconds.toFixed(1)} s`,
      '',
      'path        MB/s     ratio   api peak RSS (largest growth during one download)',
      ...(['baseline', 'redirect', 'stream', 'bareProxy'] as const).map((name) => {
        const m = mbps(median(times[name]));
        return `${name.padEnd(10)} ${m.toFixed(1).padStart(7)}   ${(m / baseMbps).toFixed(2).padStart(5)}   ${mb(rss[name])} (+${mb(growth[name])})`;
      }),
      '',
      `api RSS: ${mb(ready.baselineRss)} after start-up, ${mb(base.now)} idle before the timed runs`,
    ];
    console.log(lines.join('\n'));
    await fetch(`${api}/api/v1/resources/${created.id}`, { method: 'DELETE', headers: auth });
  } finally {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    if (!process.env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
