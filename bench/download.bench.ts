/**
 * Transfer benchmark of the resource library (issue 4, item 12a): download and upload, in one run.
 *
 *   node -r ./bench/ts-hook.js -r tsconfig-paths/register bench/download.bench.ts
 *
 * (Not ts-node: it loads node's `domain` module, which hooks every EventEmitter and promise; a stream pays that on
 * every chunk, and the api under ts-node moved bytes at half the speed of the same code compiled. The api child
 * is loaded with the same hook.)
 *
 * Compares, in one run and on the configured drivers (STORAGE_DRIVER etc., as the api reads them):
 *   baseline  GET of a presigned URL straight from the object store (no api involved on S3; on the local
 *             driver the store *is* the api's /storage/local route, so this is the driver serving its own URL)
 *   redirect  GET /api/v1/resources/:id/download (auth, visibility check, count, 302) + following the URL
 *   stream    the same with RESOURCE_DOWNLOAD_MODE=stream: the bytes flow through the api process
 * and reports MB/s (median of BENCH_RUNS), each path's ratio to the baseline, and the api process's RSS (the
 * api runs in a child process, sampled every 50 ms, so the client's own memory is not counted).
 *
 * Upload side, the same object streamed from a generated file on disk (the client never holds it in memory):
 *   baseline  the multipart upload with part URLs presigned by the store (ObjectStorage) itself: initiate,
 *             4 parallel 16 MiB part PUTs, complete (all timed)
 *   putUrl    one presigned PUT of the whole file straight to the store (ObjectStorage.presignPut)
 *   resumable POST /resources/:id/uploads, a part URL from the api per part, PUT, complete; processing timed apart
 *   direct    POST /resources/:id/content, multipart/form-data streamed through the api (RESOURCE_UPLOAD_MAX_BYTES is
 *             raised for the child only); processing timed apart
 * with MB/s (median), the ratio to the multipart baseline and the api's RSS growth during the transfer (and with
 * processing, which reads the object back to verify its SHA-256).
 *
 * Environment: BENCH_SIZE_MB (default 1024), BENCH_RUNS (default 3), BENCH_STORE_PROCESSES (the store's process names,
 * for its CPU time), BENCH_API_NODE_ARGS (node flags for the api child, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` or `--trace-gc`), plus the api's own variables. The object is
 * uploaded once through the resumable upload (parts PUT straight to the store) and verified by the processing job;
 * every download path is checked once (SHA-256 of the downloaded bytes) before the timed runs; the api's uploads are
 * verified by its processing (declared SHA-256), the store's by size. Objects the run created are removed at the end
 * (keys present before it are left alone).
 */
import { execFileSync, fork, ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const MiB = 1024 * 1024;

/**
 * Names of the object store's processes on this machine (e.g. `radosgw,ceph-osd`), whose CPU time the download
 * table reports beside the api's and the client's: on a machine where store, api and client share the cores, the
 * sum of the three per GiB is what bounds each path's MB/s.
 */
const STORE_PROCESSES = (process.env.BENCH_STORE_PROCESSES ?? '').split(',').map((n) => n.trim()).filter(Boolean);

let ticksPerSecond: number | undefined;

/** utime + stime (ms) of every process named in STORE_PROCESSES, from /proc. */
function storeCpuMs(): number {
  if (!STORE_PROCESSES.length) return 0;
  let ticks = 0;
  for (const name of STORE_PROCESSES) {
    const pids = execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const pid of pids) {
      // The fields after the command name (which may hold spaces) start at the last ')'; utime and stime are 14 and 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  }
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return (ticks / ticksPerSecond) * 1000;
}

// ---------------------------------------------------------------- the api, in its own process

/** Direct calls on the api's ObjectStorage (the baseline's presigned URLs come from the store itself, not the api). */
type StoreOp =
  | { op: 'presign-put'; key: string }
  | { op: 'mp-init'; key: string; partCount: number }
  | { op: 'mp-complete'; key: string; uploadId: string; parts: { partNumber: number; etag: string }[] }
  | { op: 'mp-abort'; key: string; uploadId: string }
  | { op: 'stat'; key: string }
  | { op: 'delete'; key: string }
  | { op: 'snapshot' }
  | { op: 'cleanup' };
type ToServer = { type: 'mode'; mode: 'redirect' | 'stream' } | { type: 'rss-reset' } | { type: 'rss-read' } | { type: 'stop' } | ({ type: 'store' } & StoreOp);
type FromServer =
  | { type: 'ready'; url: string; proxyUrl: string; driver: string; db: string; baselineRss: number }
  | { type: 'mode-set' }
  | { type: 'rss'; peak: number; now: number; cpuMs: number }
  | { type: 'store-result'; error?: string; url?: string; uploadId?: string; urls?: string[]; size?: number; deleted?: number };

async function serve(): Promise<void> {
  const { NestFactory } = await import('@nestjs/core');
  const { ApiModule } = await import('../apps/api/src/api.module');
  const { configureApp } = await import('../apps/api/src/configure-app');
  const { AppConfig } = await import('@app/platform');
  const { ObjectStorage } = await import('@app/storage');
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
  let cpuStart = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(cpuStart);
    return (used.user + used.system) / 1000;
  };
  setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50).unref();
  const send = (m: FromServer) => process.send!(m);
  const preexisting = new Set<string>();
  process.on('message', async (m: ToServer) => {
    if (m.type === 'mode') {
      app.get(AppConfig).RESOURCE_DOWNLOAD_MODE = m.mode;
      send({ type: 'mode-set' });
    } else if (m.type === 'rss-reset') {
      // No forced collection here (an earlier version ran the api with --expose-gc and called gc() before each
      // path): after V8's forced full collection, the next large transfer ran a mark-compact every ~0.1 s on the
      // external-memory heuristics, ~3.5 s of GC-thread CPU per GiB and +55 MB of RSS that the api never shows
      // without it. The growth is measured from the RSS of the moment instead.
      peak = process.memoryUsage().rss;
      cpuStart = process.cpuUsage();
      send({ type: 'rss', peak, now: peak, cpuMs: 0 });
    } else if (m.type === 'rss-read') {
      send({ type: 'rss', peak, now: process.memoryUsage().rss, cpuMs: cpuMs() });
    } else if (m.type === 'store') {
      const storage = app.get(ObjectStorage);
      try {
        if (m.op === 'presign-put') send({ type: 'store-result', url: await storage.presignPut(m.key, { expiresInSeconds: 3600 }) });
        else if (m.op === 'mp-init') {
          const uploadId = await storage.initiateMultipart(m.key, { contentType: 'video/mp4' });
          const urls: string[] = [];
          for (let i = 1; i <= m.partCount; i++) urls.push(await storage.presignPart(m.key, uploadId, i, 3600));
          send({ type: 'store-result', uploadId, urls });
        } else if (m.op === 'mp-complete') send({ type: 'store-result', size: (await storage.completeMultipart(m.key, m.uploadId, m.parts)).size });
        else if (m.op === 'mp-abort') send({ type: 'store-result', size: (await storage.abortMultipart(m.key, m.uploadId), 0) });
        else if (m.op === 'stat') send({ type: 'store-result', size: (await storage.stat(m.key)).size });
        else if (m.op === 'delete') send({ type: 'store-result', size: (await storage.delete(m.key), 0) });
        else if (m.op === 'snapshot') {
          // The keys present before the bench, so that the clean-up removes only what this run created.
          for await (const o of storage.list('')) preexisting.add(o.key);
          send({ type: 'store-result', size: preexisting.size });
        } else if (m.op === 'cleanup') {
          let deleted = 0;
          const keys: string[] = [];
          for await (const o of storage.list('')) if (!preexisting.has(o.key)) keys.push(o.key);
          for (const k of keys) await storage.delete(k).then(() => deleted++);
          send({ type: 'store-result', deleted });
        }
      } catch (err) {
        send({ type: 'store-result', error: String((err as Error)?.stack ?? err) });
      }
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

/** A request whose body is streamed (Buffers/strings as they are, Readables piped with backpressure), Content-Length set by the caller. */
function httpRequest(method: string, url: string, headers: Record<string, string | number>, body: (Readable | Buffer | string)[]): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? https : http).request(u, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    (async () => {
      for (const b of body) {
        if (typeof b === 'string' || Buffer.isBuffer(b)) {
          if (!req.write(b)) await once(req, 'drain');
        } else {
          for await (const chunk of b) if (!req.write(chunk)) await once(req, 'drain');
        }
      }
      req.end();
    })().catch(reject);
  });
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
    RESOURCE_QUOTA_BYTES: String(size * 8),
    // The direct upload (POST /resources/:id/content) is limited to 100 MB by default; raised for this run only.
    RESOURCE_UPLOAD_MAX_BYTES: String(size + MiB),
    RESOURCE_URL_TTL_SECONDS: '3600',
    RESOURCE_PART_BYTES: String(partSizeFor(size)),
  };
  const child = fork(__filename, ['--serve'], { env, execArgv: [...(process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean), '-r', join(__dirname, 'ts-hook.js'), '-r', 'tsconfig-paths/register'] });
  const server = new Server(child);
  // A child that dies on start-up (e.g. the object store does not answer) must not leave the temp folder behind.
  const ready = (await Promise.race([
    server.next(),
    once(child, 'exit').then(([code]) => {
      if (!process.env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`the api child exited with code ${code} before it was ready`);
    }),
  ])) as Extract<FromServer, { type: 'ready' }>;
  const api = ready.url;
  const store = async (op: StoreOp) => {
    const r = (await server.request({ type: 'store', ...op })) as Extract<FromServer, { type: 'store-result' }>;
    if (r.error) throw new Error(`store ${op.op}: ${r.error}`);
    return r;
  };
  const fileDir = mkdtempSync(join(tmpdir(), 'xz-bench-file-'));
  const filePath = join(fileDir, 'bench.mp4');
  try {
    await store({ op: 'snapshot' });
    // Written before the first api request: writing 1 GiB blocks the event loop for seconds, and a keep-alive
    // connection the api closed meanwhile (its 5 s idle timeout) would be reused before its close is seen.
    const partSize = partSizeFor(size);
    const partCount = Math.ceil(size / partSize);
    // The file on disk every upload streams from (the client never holds more than a part's worth).
    const sha256 = (() => {
      const block = randomBytes(partSize);
      const fileHash = createHash('sha256');
      const fd = openSync(filePath, 'w');
      for (let i = 1; i <= partCount; i++) {
        const part = makePart(block, i, Math.min(partSize, size - (i - 1) * partSize));
        fileHash.update(part);
        writeSync(fd, part);
      }
      closeSync(fd);
      return fileHash.digest('hex');
    })();
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
    const partLength = (i: number) => Math.min(partSize, size - (i - 1) * partSize);
    const partStream = (i: number) => createReadStream(filePath, { start: (i - 1) * partSize, end: (i - 1) * partSize + partLength(i) - 1, highWaterMark: MiB });
    const putPart = async (url: string, i: number): Promise<{ partNumber: number; etag: string }> => {
      const res = await httpRequest('PUT', url, { 'content-length': partLength(i) }, [partStream(i)]);
      if (res.status !== 200) throw new Error(`part ${i}: ${res.status} ${res.text}`);
      return { partNumber: i, etag: String(res.headers.etag) };
    };
    /** PUTs parts 1..partCount, 4 at a time, with the URL `urlFor(i)` gives; returns the etags in order. */
    const putParts = async (urlFor: (i: number) => Promise<string>) => {
      const etags: { partNumber: number; etag: string }[] = [];
      let next = 1;
      const worker = async () => {
        for (;;) {
          const i = next++;
          if (i > partCount) return;
          etags.push(await putPart(await urlFor(i), i));
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      return etags.sort((a, b) => a.partNumber - b.partNumber);
    };
    const waitProcessed = async (id: string) => {
      for (;;) {
        const r = await json('GET', `/api/v1/resources/${id}`);
        if (r.status === 'published') return;
        if (r.status !== 'processing') throw new Error(`processing ended in ${r.status}: ${r.rejectReason}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    };
    const init = await json('POST', `/api/v1/resources/${created.id}/uploads`, { filename: '下载基准.mp4', size, sha256, contentType: 'video/mp4' });
    if (init.partSize !== partSize) throw new Error(`server part size ${init.partSize} differs from the bench's ${partSize}`);
    const upStart = performance.now();
    const etags = await putParts(async (i) => (await json('POST', `/api/v1/uploads/${init.uploadId}/parts/${i}`)).url);
    const upSeconds = (performance.now() - upStart) / 1000;
    await json('POST', `/api/v1/uploads/${init.uploadId}/complete`, { parts: etags });
    const procStart = performance.now();
    await waitProcessed(created.id);
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
    // CPU seconds per GiB moved, per process: where the cycles of each path go (see storeCpuMs).
    const cpu: Record<string, { api: number[]; client: number[]; store: number[] }> = {};
    const base = (await server.request({ type: 'rss-reset' })) as Extract<FromServer, { type: 'rss' }>;
    // Interleaved so drift (page cache, radosgw gc) hits every path alike.
    for (let r = 0; r < runs; r++) {
      for (const name of Object.keys(paths) as (keyof typeof paths)[]) {
        const before = (await server.request({ type: 'rss-reset' })) as Extract<FromServer, { type: 'rss' }>;
        const clientCpu = process.cpuUsage();
        const storeCpu = storeCpuMs();
        times[name].push(await paths[name]());
        const clientUsed = process.cpuUsage(clientCpu);
        const storeUsed = storeCpuMs() - storeCpu;
        const after = (await server.request({ type: 'rss-read' })) as Extract<FromServer, { type: 'rss' }>;
        rss[name] = Math.max(rss[name] ?? 0, after.peak);
        growth[name] = Math.max(growth[name] ?? 0, after.peak - before.now);
        const perGiB = (ms: number) => ms / 1000 / (size / (1024 * MiB));
        cpu[name] ??= { api: [], client: [], store: [] };
        cpu[name].api.push(perGiB(after.cpuMs));
        cpu[name].client.push(perGiB((clientUsed.user + clientUsed.system) / 1000));
        cpu[name].store.push(perGiB(storeUsed));
      }
    }
    // ---- upload side: the same file, straight to the store against through the api
    type Timed = { ms: number; procMs?: number; rssAfterTransfer: number; growthTransfer: number; growthProcessing?: number };
    let seq = 0;
    const rssNow = async () => (await server.request({ type: 'rss-reset' })) as Extract<FromServer, { type: 'rss' }>;
    const rssRead = async () => (await server.request({ type: 'rss-read' })) as Extract<FromServer, { type: 'rss' }>;
    const newResource = async () => (await json('POST', '/api/v1/resources', { title: `上传基准 ${Date.now()} ${++seq}`, type: 'micro_lecture', subject: '物理', grade: '高二', visibility: 'school' })).id as string;
    const uploadPaths: Record<'baseline' | 'putUrl' | 'resumable' | 'direct', () => Promise<Timed>> = {
      // The same multipart upload with part URLs presigned by the store (ObjectStorage) itself: initiate, presign,
      // 4 parallel part PUTs and complete are all timed, as they are on the api's path.
      baseline: async () => {
        const key = `bench-upload/${Date.now()}-${++seq}.mp4`;
        const before = await rssNow();
        const t0 = performance.now();
        const { uploadId, urls } = await store({ op: 'mp-init', key, partCount });
        let parts;
        try {
          parts = await putParts(async (i) => urls![i - 1]);
        } catch (err) {
          await store({ op: 'mp-abort', key, uploadId: uploadId! });
          throw err;
        }
        await store({ op: 'mp-complete', key, uploadId: uploadId!, parts });
        const ms = performance.now() - t0;
        const after = await rssRead();
        if ((await store({ op: 'stat', key })).size !== size) throw new Error('baseline upload: wrong size stored');
        await store({ op: 'delete', key });
        return { ms, rssAfterTransfer: after.peak, growthTransfer: after.peak - before.now };
      },
      // One presigned PUT of the whole file straight to the store (URL issued before the clock starts).
      putUrl: async () => {
        const key = `bench-upload/${Date.now()}-${++seq}.mp4`;
        const { url } = await store({ op: 'presign-put', key });
        const before = await rssNow();
        const t0 = performance.now();
        const res = await httpRequest('PUT', url!, { 'content-length': size, 'content-type': 'video/mp4' }, [createReadStream(filePath, { highWaterMark: MiB })]);
        if (res.status !== 200) throw new Error(`presigned PUT: ${res.status} ${res.text}`);
        const ms = performance.now() - t0;
        const after = await rssRead();
        if ((await store({ op: 'stat', key })).size !== size) throw new Error('presigned PUT: wrong size stored');
        await store({ op: 'delete', key });
        return { ms, rssAfterTransfer: after.peak, growthTransfer: after.peak - before.now };
      },
      // The api's resumable upload: POST uploads, a part URL from the api per part, PUT, complete; then processing.
      resumable: async () => {
        const id = await newResource();
        const before = await rssNow();
        const t0 = performance.now();
        const up = await json('POST', `/api/v1/resources/${id}/uploads`, { filename: '上传基准.mp4', size, sha256, contentType: 'video/mp4' });
        const parts = await putParts(async (i) => (await json('POST', `/api/v1/uploads/${up.uploadId}/parts/${i}`)).url);
        await json('POST', `/api/v1/uploads/${up.uploadId}/complete`, { parts });
        const ms = performance.now() - t0;
        const after = await rssRead();
        await waitProcessed(id);
        const procMs = performance.now() - t0 - ms;
        const end = await rssRead();
        await json('DELETE', `/api/v1/resources/${id}`).catch(() => undefined);
        return { ms, procMs, rssAfterTransfer: after.peak, growthTransfer: after.peak - before.now, growthProcessing: end.peak - before.now };
      },
      // The direct upload: multipart/form-data streamed through the api into the store, answered 202; then processing.
      direct: async () => {
        const id = await newResource();
        const boundary = `----xzbench${randomBytes(8).toString('hex')}`;
        const head = Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="sha256"\r\n\r\n${sha256}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="上传基准.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
        );
        const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
        const before = await rssNow();
        const t0 = performance.now();
        const res = await httpRequest(
          'POST',
          `${api}/api/v1/resources/${id}/content`,
          { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + size + tail.length },
          [head, createReadStream(filePath, { highWaterMark: MiB }), tail],
        );
        if (res.status !== 202) throw new Error(`direct upload: ${res.status} ${res.text}`);
        const ms = performance.now() - t0;
        const after = await rssRead();
        await waitProcessed(id);
        const procMs = performance.now() - t0 - ms;
        const end = await rssRead();
        await json('DELETE', `/api/v1/resources/${id}`).catch(() => undefined);
        return { ms, procMs, rssAfterTransfer: after.peak, growthTransfer: after.peak - before.now, growthProcessing: end.peak - before.now };
      },
    };
    const up: Record<string, Timed[]> = { baseline: [], putUrl: [], resumable: [], direct: [] };
    for (let r = 0; r < runs; r++) for (const name of Object.keys(uploadPaths) as (keyof typeof uploadPaths)[]) up[name].push(await uploadPaths[name]());

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const mbps = (ms: number) => size / MiB / (ms / 1000);
    const baseMbps = mbps(median(times.baseline));
    const mb = (b: number) => `${(b / MiB).toFixed(0)} MB`;

    const lines = [
      `transfer benchmark: ${sizeMb} MiB object, storage=${ready.driver}, db=${ready.db}, ${runs} timed run(s) per path (median), api in a child process`,
      `set-up upload (resumable, untimed path): ${(size / MiB / upSeconds).toFixed(1)} MB/s; processing (verify + dedupe): ${procSeconds.toFixed(1)} s`,
      '',
      'download',
      '',
      `path        MB/s     ratio   api peak RSS (largest growth during one download)   CPU s per GiB: api / client / store${STORE_PROCESSES.length ? ` (${STORE_PROCESSES.join(', ')})` : ' (BENCH_STORE_PROCESSES unset)'}`,
      ...(['baseline', 'redirect', 'stream', 'bareProxy'] as const).map((name) => {
        const m = mbps(median(times[name]));
        const c = cpu[name];
        const cpuText = `${median(c.api).toFixed(2)} / ${median(c.client).toFixed(2)} / ${STORE_PROCESSES.length ? median(c.store).toFixed(2) : '—'}`;
        return `${name.padEnd(10)} ${m.toFixed(1).padStart(7)}   ${(m / baseMbps).toFixed(2).padStart(5)}   ${`${mb(rss[name])} (+${mb(growth[name])})`.padEnd(52)}${cpuText}`;
      }),
      '',
      `upload benchmark: same object from a file on disk, ${runs} timed run(s) per path (median); ratio against the multipart baseline`,
      'path        MB/s     ratio   processing   api peak RSS (largest growth during one transfer; incl. processing)',
      ...(['baseline', 'putUrl', 'resumable', 'direct'] as const).map((name) => {
        const xs = up[name];
        const m = mbps(median(xs.map((x) => x.ms)));
        const b = mbps(median(up.baseline.map((x) => x.ms)));
        const proc = xs[0].procMs === undefined ? '—' : `${(median(xs.map((x) => x.procMs!)) / 1000).toFixed(1)} s`;
        const g = Math.max(...xs.map((x) => x.growthTransfer));
        const gp = xs[0].growthProcessing === undefined ? '' : `; +${mb(Math.max(...xs.map((x) => x.growthProcessing!)))}`;
        return `${name.padEnd(10)} ${m.toFixed(1).padStart(7)}   ${(m / b).toFixed(2).padStart(5)}   ${proc.padStart(10)}   ${mb(Math.max(...xs.map((x) => x.rssAfterTransfer)))} (+${mb(g)}${gp})`;
      }),
      '',
      `api RSS: ${mb(ready.baselineRss)} after start-up, ${mb(base.now)} idle before the timed runs`,
    ];
    console.log(lines.join('\n'));
    await fetch(`${api}/api/v1/resources/${created.id}`, { method: 'DELETE', headers: auth });
  } finally {
    rmSync(fileDir, { recursive: true, force: true });
    // Objects this run left in the store (the resources' objects; freed ones are otherwise only removed by maintenance).
    const cleaned = (await server.request({ type: 'store', op: 'cleanup' })) as Extract<FromServer, { type: 'store-result' }>;
    if (cleaned.error) console.error(`clean-up: ${cleaned.error}`);
    else console.log(`clean-up: ${cleaned.deleted} object(s) removed from the store`);
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
