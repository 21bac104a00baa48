/**
 * The end-to-end half of the search benchmark (issue 4, item 12b), in processes of their own so that the api's CPU
 * is not shared with the benchmark's event loop:
 *
 *   - `startApiChild()` forks this file with `--serve`: the real api as main.ts builds it (ApiModule + configureApp,
 *     production settings, request logging at `info` into a file), on a database the parent has loaded. The same
 *     process also serves a "bare" endpoint on a second port: a plain node:http handler that calls the same
 *     ResourceSearchService.search with a principal decoded once, with no Nest pipeline, no JWT verification, no
 *     logging. api / bare in the same run is the cost of the request pipeline. On request it records a CPU
 *     profile of the api during a load phase (node:inspector), for `--profile`.
 *   - `runLoad()` forks this file with `--load`: a closed-loop client (node:http, keep-alive, N connections),
 *     bounded in requests and time, that returns the latencies.
 */
import 'reflect-metadata';
import { fork, ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

// Not ts-node: it loads node's `domain` module, whose hooks the compiled api does not pay (see ts-hook.js).
const EXEC_ARGV = ['-r', resolve(__dirname, 'ts-hook.js'), '-r', 'tsconfig-paths/register'];

type ToServer = { type: 'profile-start' } | { type: 'profile-stop'; file: string } | { type: 'rss' } | { type: 'stop' };
type FromServer =
  | { type: 'ready'; url: string; bareUrl: string; token: string }
  | { type: 'profile-started' }
  | { type: 'profile-stopped' }
  | { type: 'rss'; rss: number; cpuUserMs: number; cpuSystemMs: number };

export interface LoadSpec {
  /** Full URLs, requested in turn. */
  urls: string[];
  token: string;
  concurrency: number;
  total: number;
  /** Requests made before the clock starts (connections open, JIT warm). */
  warmup: number;
  /** Hard stop, whatever `total` says. */
  maxSeconds: number;
}
export interface LoadResult {
  latencies: number[];
  seconds: number;
  errors: string[];
}

export class ApiChild {
  private waiting: ((m: FromServer) => void)[] = [];
  constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly bareUrl: string,
    readonly token: string,
  ) {
    child.on('message', (m: FromServer) => this.waiting.shift()?.(m));
  }
  private request<T extends FromServer>(m: ToServer): Promise<T> {
    return new Promise((resolve) => {
      this.waiting.push(resolve as (m: FromServer) => void);
      this.child.send(m);
    });
  }
  profileStart = () => this.request({ type: 'profile-start' });
  profileStop = (file: string) => this.request({ type: 'profile-stop', file });
  usage = () => this.request<Extract<FromServer, { type: 'rss' }>>({ type: 'rss' });
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.send({ type: 'stop' });
    await Promise.race([once(this.child, 'exit'), new Promise((r) => setTimeout(r, 10_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/**
 * Starts the api child on the database `env` names; `logFile` receives its stdout (the request log). `root`: another
 * checkout of the project (e.g. `git archive` of an earlier commit, with node_modules linked) whose api to run
 * instead of this one, for a before/after comparison in the same run; its `@app/*` paths resolve inside it.
 */
export async function startApiChild(env: Record<string, string>, logFile: string, username: string, root?: string): Promise<ApiChild> {
  const out = openSync(logFile, 'a');
  const child = fork(__filename, ['--serve', username, ...(root ? [resolve(root)] : [])], {
    env: { ...process.env, ...env },
    execArgv: EXEC_ARGV,
    cwd: root ? resolve(root) : process.cwd(),
    stdio: ['ignore', out, 'inherit', 'ipc'],
  });
  const ready = (await Promise.race([
    new Promise((resolve) => child.once('message', resolve)),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the api child exited with code ${code} before it was ready (log: ${logFile})`);
    }),
  ])) as Extract<FromServer, { type: 'ready' }>;
  return new ApiChild(child, ready.url, ready.bareUrl, ready.token);
}

/** Runs one closed-loop load phase in a child process. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(__filename, ['--load'], { execArgv: EXEC_ARGV, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = new Promise<LoadResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('exit', (code) => reject(new Error(`the load client exited with code ${code}`)));
  });
  child.send(spec);
  const r = await result;
  child.kill();
  return r;
}

// ---------------------------------------------------------------- the api child

async function serve(username: string, root = resolve(__dirname, '..')): Promise<void> {
  const { NestFactory } = await import('@nestjs/core');
  const { ApiModule } = await import(`${root}/apps/api/src/api.module`);
  const { configureApp } = await import(`${root}/apps/api/src/configure-app`);
  const { ResourceSearchService } = await import(`${root}/libs/domain/src/resources/search/resource-search.service`);
  const { Session } = await import('node:inspector');
  type Principal = import('@app/platform').Principal;

  const app = await NestFactory.create<import('@nestjs/platform-express').NestExpressApplication>(ApiModule, { bufferLogs: true, bodyParser: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: process.env.DEMO_PASSWORD ?? 'Guangyuan@2026' }),
  });
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${await login.text()}`);
  const token = ((await login.json()) as { accessToken: string }).accessToken;
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  const principal: Principal = { userId: claims.sub, username: claims.usr, role: claims.role, organizationId: claims.org, countyId: claims.cty };

  // The floor: the same service call behind a bare node:http handler (query parsed by hand, no validation).
  const search = app.get(ResourceSearchService) as import('@app/domain/resources/search/resource-search.service').ResourceSearchService;
  const bare = http.createServer((req, res) => {
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    const query = Object.fromEntries(params) as Record<string, string>;
    search
      .search(principal, { ...query, limit: query.limit ? Number(query.limit) : undefined } as never)
      .then((page: unknown) => {
        const body = JSON.stringify(page);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      })
      .catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
  });
  bare.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));

  process.on('message', async (m: ToServer) => {
    const send = (r: FromServer) => process.send!(r);
    if (m.type === 'profile-start') {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 100 });
      await post('Profiler.start');
      send({ type: 'profile-started' });
    } else if (m.type === 'profile-stop') {
      const { profile } = await post('Profiler.stop');
      writeFileSync(m.file, JSON.stringify(profile));
      send({ type: 'profile-stopped' });
    } else if (m.type === 'rss') {
      const cpu = process.cpuUsage();
      send({ type: 'rss', rss: process.memoryUsage().rss, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000 });
    } else if (m.type === 'stop') {
      bare.close();
      await app.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', url, bareUrl, token } satisfies FromServer);
}

// ---------------------------------------------------------------- the load client

function load(spec: LoadSpec): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const headers = { authorization: `Bearer ${spec.token}` };
  const errors: string[] = [];
  const get = (url: string) =>
    new Promise<void>((resolve) => {
      const req = http.get(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200 && errors.length < 5) errors.push(`${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`);
          resolve();
        });
      });
      req.on('error', (err) => {
        if (errors.length < 5) errors.push(String(err));
        resolve();
      });
    });
  const loop = async (total: number, latencies?: number[]) => {
    let next = 0;
    const deadline = Date.now() + spec.maxSeconds * 1000;
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        for (let i = next++; i < total && Date.now() < deadline; i = next++) {
          const s = process.hrtime.bigint();
          await get(spec.urls[i % spec.urls.length]);
          latencies?.push(Number(process.hrtime.bigint() - s) / 1e6);
        }
      }),
    );
  };
  return (async () => {
    await loop(spec.warmup);
    const latencies: number[] = [];
    const start = process.hrtime.bigint();
    await loop(spec.total, latencies);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    agent.destroy();
    return { latencies, seconds, errors };
  })();
}

if (process.argv[2] === '--serve') {
  serve(process.argv[3], process.argv[4]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else if (process.argv[2] === '--load') {
  process.once('message', (spec: LoadSpec) => {
    load(spec).then(
      (r) => process.send!(r, () => process.exit(0)),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
