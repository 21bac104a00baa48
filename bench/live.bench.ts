/**
 * Live-room benchmark (issue 5, item 9): our /live gateway against a bare socket.io server doing the same
 * broadcast, in the same run.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/live.bench.ts
 *     [--clients 100,300,500] [--rates 10,20] [--seconds 10] [--warmup 2] [--repeat 3] [--senders 10] [--workers 2]
 *     [--ramp 1000] [--ramp-step 100] [--hold 20] [--targets bare,ours] [--users <n>] [--json file]
 *     [--profile-api dir] (a V8 CPU profile of the api process)
 *     [--data-dir dir]   (keep the api's DATA_DIR, its accounts and their tokens for the next run; default: a temp
 *                         folder removed at the end)
 *
 * Processes (all children of this one, so the measuring process is neither a server nor a client):
 *   ours     the real api (ApiModule + configureApp, as main.ts runs it) on an ephemeral port: embedded SQLite in a
 *            DATA_DIR of its own, migrations, seed, NODE_ENV=production, logs silent; the api's own variables
 *            (DB_TYPE, DATABASE_URL, LIVE_FANOUT, REDIS_URL, LIVE_*) pass through, so the same script measures
 *            MariaDB or the redis adapter.
 *   bare     bench/live-bare-server.ts: socket.io 4.8 alone, `session:join` -> room, `chat:send` -> ack {ok, id} and
 *            `chat:message` (the gateway's payload shape) to the room; no auth, validation, storage or presence.
 *   clients  `--workers` copies of bench/live-clients.ts, each holding its share of the sockets (socket.io-client,
 *            websocket transport, one connection per client).
 *
 * Matrix: for each room size N both servers get a room of N clients (connect, handshake, `session:join`), held at
 * once; then for each rate, `--repeat` rounds of one phase on bare and one on ours (the order flips every time):
 * `--warmup` s unmeasured + `--seconds` s measured chat from `--senders` clients of that room (staggered, each at
 * rate/senders msg/s, well under the gateway's per-socket limit), then 3 s to drain. Every client records every
 * message; latency is receive time minus the sender's timestamp in the text (CLOCK_MONOTONIC, one clock for all
 * processes). Per phase: delivery p50/p99/max, deliveries per second, lost (accepted messages x N - deliveries),
 * duplicates, chat:send ack p50/p99, server CPU (% of one core, /proc/<pid>/stat over the measured window) and
 * RSS, the client workers' CPU and event-loop delay (to show they are not the bottleneck). Summary per (N, rate):
 * medians over the rounds, and the median over the rounds of ours' p99 / bare's p99 from adjacent phases.
 *
 * Ramp: a fresh room per server, clients join `--ramp-step` at a time up to `--ramp`; per step the join time
 * (connect + handshake auth + `session:join` ack) p50/p99, the server's CPU over the step and its RSS; at the top
 * the room is held `--hold` s, the open sockets are counted and presence is checked (ours: the last presence count
 * each client saw equals the users in the room), then a 10 s measured chat phase at the lowest rate proves every
 * client still receives every message.
 *
 * Accounts (ours): presence is per user, so each client gets its own teacher account (`bench.live.<i>`), created
 * through POST /api/v1/users as city.admin (even i at 剑州中学, the host; odd at 旺苍东城中学, invited) and signed in
 * through POST /api/v1/auth/login; `--users n` caps the number of accounts (clients then share them round-robin,
 * which the gateway allows: several sockets per user). Each room is a new session created by admin.jianzhou
 * through POST /api/v1/research-sessions (joint_research, 剑州中学 hosting, 东城 invited, started 5 minutes ago).
 * The login rate limits and the token lifetime are raised for the api child only (1,000 accounts sign in back to
 * back from one address); the gateway's own limits (LIVE_*) stay at their defaults.
 */
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FromWorker, ToWorker } from './live-clients';

// ---------------------------------------------------------------- options

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i].startsWith('--') && process.argv[i] !== '--serve-api') args.set(process.argv[i].slice(2), process.argv[i + 1]);
}
const list = (k: string, d: string) => (args.get(k) ?? d).split(',').filter(Boolean).map(Number);
const CLIENTS = list('clients', '100,300,500');
const RATES = list('rates', '10,20');
const SECONDS = Number(args.get('seconds') ?? 10);
const WARMUP = Number(args.get('warmup') ?? 2);
const SENDERS = Number(args.get('senders') ?? 10);
const WORKERS = Number(args.get('workers') ?? 2);
const REPEAT = Number(args.get('repeat') ?? 3);
const RAMP = Number(args.get('ramp') ?? 1000);
const RAMP_STEP = Number(args.get('ramp-step') ?? 100);
const HOLD = Number(args.get('hold') ?? 20);
const TARGETS = (args.get('targets') ?? 'bare,ours').split(',') as Target[];
const JSON_OUT = args.get('json');
/** A DATA_DIR kept between runs (accounts and tokens are reused); by default a temp folder removed at the end. */
const PROFILE_API = args.get('profile-api') ? resolve(args.get('profile-api')!) : undefined;
const KEEP_DATA = args.get('data-dir') ? resolve(args.get('data-dir')!) : undefined;
const DRAIN_MS = 3000;
const CONNECT_CONCURRENCY = 20;
type Target = 'bare' | 'ours';

// ---------------------------------------------------------------- our api, in its own process

async function serveApi(): Promise<void> {
  const { NestFactory } = await import('@nestjs/core');
  const { ApiModule } = await import('../apps/api/src/api.module');
  const { configureApp } = await import('../apps/api/src/configure-app');
  const { AppConfig } = await import('@app/platform');
  const app = await NestFactory.create(ApiModule as never, { bufferLogs: true, bodyParser: false, logger: ['error'] });
  configureApp(app as never);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  (app.get(AppConfig) as { PUBLIC_URL?: string }).PUBLIC_URL = url;
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'stop') {
      await app.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', url });
}

// ---------------------------------------------------------------- helpers

const nowNs = () => process.hrtime.bigint();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
const fmtN = (n: number) => (Number.isFinite(n) ? String(n) : '—');
const f1 = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '—');
const TICK = 100; // CLK_TCK on Linux

/** utime + stime of a process, in ms (from /proc/<pid>/stat; the field list starts after the `(comm)` part). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICK;
}
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A child process spoken to by request/reply over IPC (one outstanding request at a time per child). */
class Child<In, Out> {
  private waiting: ((m: Out) => void)[] = [];
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: Out) => this.waiting.shift()?.(m));
  }
  request(m: In): Promise<Out> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.send(m as never);
    });
  }
  next(): Promise<Out> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

// Not ts-node (it loads node's `domain` module, a hook on every EventEmitter and promise): see ts-hook.js.
const TS = ['-r', join(__dirname, 'ts-hook.js'), '-r', 'tsconfig-paths/register'];

async function startBare(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(join(__dirname, 'live-bare-server.ts'), [], { execArgv: TS, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function startOurs(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    SEED_ON_START: 'true',
    LOG_LEVEL: 'silent',
    STORAGE_DRIVER: process.env.STORAGE_DRIVER ?? 'local',
    QUEUE_DRIVER: process.env.QUEUE_DRIVER ?? 'memory',
    ACCESS_TOKEN_TTL_SECONDS: '86400',
    LOGIN_RATE_LIMIT: '10000',
    LOGIN_RATE_LIMIT_PER_IP: '100000',
  };
  // --profile-api <dir>: a V8 CPU profile of the api process, written when it stops (open it in Chrome DevTools).
  const profile = PROFILE_API ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_API] : [];
  const child = fork(__filename, ['--serve-api'], { env, execArgv: [...profile, ...TS], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<{ url: string }>((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`api exited (${code})`)));
  });
  return { url: ready.url, child };
}

async function api<T = Record<string, unknown>>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
const login = async (base: string, username: string, password: string) =>
  (await api<{ accessToken: string }>(base, 'POST', '/auth/login', undefined, { username, password })).accessToken;

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------- the servers as the bench sees them

interface Server {
  target: Target;
  url: string;
  pid: number;
  /** A room to join and the handshake token of client i. */
  newRoom(): Promise<string>;
  token(i: number): string;
}

async function prepareOurs(url: string, pid: number, accounts: number, dataDir: string): Promise<Server> {
  const demo = 'Guangyuan@2026';
  const city = await login(url, 'city.admin', demo);
  const host = await login(url, 'admin.jianzhou', demo);
  const hostOrg = (await api<{ organization: { id: string } }>(url, 'GET', '/me', host)).organization.id;
  const invitedOrg = (await api<{ organization: { id: string } }>(url, 'GET', '/me', await login(url, 'admin.dongcheng', demo))).organization.id;
  const t0 = Date.now();
  const password = 'Bench2026live';
  // With --data-dir the accounts and their tokens (signed with that folder's jwt-secret, valid a day) are kept
  // for the next run: creating and signing in 1,000 accounts is 2,000 argon2 hashes, minutes on this machine.
  const cacheFile = join(dataDir, 'bench-live-tokens.json');
  const cache: Record<string, { token: string; at: number }> = KEEP_DATA && existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  let created = 0;
  let signedIn = 0;
  // Two at a time: each creation and sign-in is one argon2 hash (19 MiB, t=2) on a 2-core machine.
  const tokens = await pool(accounts, 2, async (i) => {
    const username = `bench.live.${i}`;
    const hit = cache[username];
    if (hit && Date.now() - hit.at < 20 * 3600_000) return hit.token;
    let token: string;
    try {
      token = await login(url, username, password);
    } catch {
      await api(url, 'POST', '/users', city, { username, password, name: `压测教师${i}`, role: 'teacher', organizationId: i % 2 ? invitedOrg : hostOrg, subject: '数学' });
      created++;
      token = await login(url, username, password);
    }
    signedIn++;
    cache[username] = { token, at: Date.now() };
    return token;
  });
  if (KEEP_DATA) writeFileSync(cacheFile, JSON.stringify(cache));
  console.log(`ours: ${accounts} teacher accounts (${created} created, ${signedIn} signed in, ${accounts - signedIn} cached tokens) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return {
    target: 'ours',
    url,
    pid,
    token: (i) => tokens[i % tokens.length],
    newRoom: async () => {
      const starts = new Date(Date.now() - 5 * 60_000);
      const session = await api<{ id: string }>(url, 'POST', '/research-sessions', host, {
        kind: 'joint_research',
        title: `压测联合教研 ${new Date().toISOString()}`,
        subject: '数学',
        hostOrganizationId: hostOrg,
        invitedOrganizationIds: [invitedOrg],
        invitedUserIds: [],
        startsAt: starts.toISOString(),
        endsAt: new Date(starts.getTime() + 4 * 3600_000).toISOString(),
        online: true,
        creditHours: 2,
        agenda: [{ title: '说课', minutes: 30 }],
      });
      return session.id;
    },
  };
}

/**
 * Waits until the server process is nearly idle (under 15 % of a core over half a second; at most 20 s), so the
 * leave bookkeeping of a closed room or the joins of a new one do not spill into a measured window.
 */
async function settle(pids: number[]): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const c0 = pids.map(cpuMs);
    await sleep(500);
    if (pids.every((pid, i) => cpuMs(pid) - c0[i] < 75)) return;
  }
}

// ---------------------------------------------------------------- the clients

type Worker = Child<ToWorker, FromWorker>;

function startWorkers(): Worker[] {
  return Array.from({ length: WORKERS }, (_, w) => new Child<ToWorker, FromWorker>(fork(join(__dirname, 'live-clients.ts'), [], { execArgv: TS, env: { ...process.env, BENCH_WORKER_ID: String(w) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
}

interface JoinResult {
  ok: number;
  failed: number;
  joinMs: number[];
  errors: string[];
  open: number;
}

/** Connects clients [from, to) of the server, spread over the workers, all into `room`. */
async function connectClients(workers: Worker[], server: Server, room: string, from: number, to: number): Promise<JoinResult> {
  const per: string[][] = workers.map(() => []);
  for (let i = from; i < to; i++) per[i % workers.length].push(server.token(i));
  const replies = (await Promise.all(
    workers.map((w, k) => w.request({ type: 'connect', group: server.target, url: server.url, sessionId: room, tokens: per[k], concurrency: Math.ceil(CONNECT_CONCURRENCY / workers.length) })),
  )) as Extract<FromWorker, { type: 'connected' }>[];
  return {
    ok: replies.reduce((a, r) => a + r.ok, 0),
    failed: replies.reduce((a, r) => a + r.failed, 0),
    joinMs: replies.flatMap((r) => r.joinMs).sort((a, b) => a - b),
    // Distinct reasons only (each worker reports its first few).
    errors: [...new Set(replies.flatMap((r) => r.errors))],
    open: replies.reduce((a, r) => a + r.open, 0),
  };
}

async function closeClients(workers: Worker[], group?: Target): Promise<void> {
  await Promise.all(workers.map((w) => w.request({ type: 'close', group })));
}

interface PhaseResult {
  target: Target;
  round: number;
  clients: number;
  rate: number;
  seconds: number;
  sent: number;
  accepted: number;
  rejected: number;
  rejectCodes: Record<string, number>;
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  incomplete: number;
  p50: number;
  p99: number;
  max: number;
  deliveriesPerSec: number;
  ackP50: number;
  ackP99: number;
  serverCpuPct: number;
  serverRssMb: number;
  clientCpuPct: number;
  clientLoopP99Ms: number;
  dropped: number;
  /** 1-minute load average of the machine at the end of the phase (other work on the box shows here). */
  load: number;
}

async function runPhase(workers: Worker[], server: Server, clients: number, rate: number, seconds = SECONDS, round = 0): Promise<PhaseResult> {
  const senders = Math.min(SENDERS, clients);
  const perSenderRate = rate / senders;
  const period = 1000 / perSenderRate;
  const offsets: number[][] = workers.map(() => []);
  for (let g = 0; g < senders; g++) offsets[g % workers.length].push((g * period) / senders);
  const id = randomUUID().slice(0, 8);
  const startAt = nowNs() + 500_000_000n;
  const measureFrom = startAt + BigInt(WARMUP * 1e9);
  const measureTo = measureFrom + BigInt(seconds * 1e9);
  // Server CPU over exactly the measured window.
  const cpuWindow = (async () => {
    await sleep(Number(measureFrom - nowNs()) / 1e6);
    const c0 = cpuMs(server.pid);
    await sleep(Number(measureTo - nowNs()) / 1e6);
    return { cpu: cpuMs(server.pid) - c0, rss: rssMb(server.pid) };
  })();
  const replies = (await Promise.all(
    // Every worker takes part (its clients receive), whether or not it holds senders.
    workers.map((w, k) => w.request({ type: 'phase', group: server.target, id, startAt: String(startAt), warmupSeconds: WARMUP, seconds, rate: perSenderRate, senders: offsets[k], drainMs: DRAIN_MS })),
  )) as Extract<FromWorker, { type: 'phase-result' }>[];
  const { cpu, rss } = await cpuWindow;
  const counts = new Map<string, number>();
  for (const r of replies) for (const [k, n] of Object.entries(r.counts)) counts.set(k, (counts.get(k) ?? 0) + n);
  const lat = replies.flatMap((r) => r.latMs).sort((a, b) => a - b);
  const ack = replies.flatMap((r) => r.ackMs).sort((a, b) => a - b);
  const accepted = replies.reduce((a, r) => a + r.accepted, 0);
  const delivered = lat.length;
  const expected = accepted * clients;
  const rejectCodes: Record<string, number> = {};
  for (const r of replies) for (const [k, n] of Object.entries(r.rejectCodes)) rejectCodes[k] = (rejectCodes[k] ?? 0) + n;
  return {
    target: server.target,
    round,
    clients,
    rate,
    seconds,
    sent: replies.reduce((a, r) => a + r.sent, 0),
    accepted,
    rejected: replies.reduce((a, r) => a + r.rejected, 0),
    rejectCodes,
    expected,
    delivered,
    lost: expected - delivered,
    duplicates: replies.reduce((a, r) => a + r.duplicates, 0),
    incomplete: [...counts.values()].filter((n) => n < clients).length + (accepted - counts.size),
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: lat[lat.length - 1],
    deliveriesPerSec: delivered / seconds,
    ackP50: pct(ack, 50),
    ackP99: pct(ack, 99),
    serverCpuPct: (cpu / (seconds * 1000)) * 100,
    serverRssMb: rss,
    clientCpuPct: replies.reduce((a, r) => a + r.cpuMs, 0) / ((WARMUP + seconds + DRAIN_MS / 1000 + 0.5) * 10),
    clientLoopP99Ms: Math.max(...replies.map((r) => r.loopDelayP99Ms)),
    dropped: replies.reduce((a, r) => a + r.dropped, 0),
    load: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
  };
}

function phaseLine(r: PhaseResult): string {
  const rej = r.rejected ? ` rejected ${r.rejected} ${JSON.stringify(r.rejectCodes)}` : '';
  return (
    `${r.target.padEnd(4)} N=${String(r.clients).padStart(4)} ${String(r.rate).padStart(2)} msg/s: p50 ${f1(r.p50)} p99 ${f1(r.p99)} max ${f1(r.max)} ms, ` +
    `${r.deliveriesPerSec.toFixed(0)} deliveries/s, lost ${r.lost}/${r.expected}, dup ${r.duplicates}, ack p50 ${f1(r.ackP50)} p99 ${f1(r.ackP99)} ms, ` +
    `server CPU ${r.serverCpuPct.toFixed(0)} % RSS ${r.serverRssMb.toFixed(0)} MB, clients CPU ${r.clientCpuPct.toFixed(0)} % loop p99 ${f1(r.clientLoopP99Ms)} ms, dropped ${r.dropped}, load ${r.load}${rej}`
  );
}

interface RampStep {
  target: Target;
  clients: number;
  joined: number;
  failed: number;
  joinP50: number;
  joinP99: number;
  stepSeconds: number;
  serverCpuPct: number;
  serverRssMb: number;
  errors: string[];
}

async function ramp(workers: Worker[], server: Server): Promise<{ steps: RampStep[]; held: { open: number; presence?: { min: number; max: number; expected: number } }; chat?: PhaseResult }> {
  const room = await server.newRoom();
  const steps: RampStep[] = [];
  let total = 0;
  for (let to = RAMP_STEP; to <= RAMP; to += RAMP_STEP) {
    const c0 = cpuMs(server.pid);
    const t0 = Date.now();
    const r = await connectClients(workers, server, room, to - RAMP_STEP, to);
    const secs = (Date.now() - t0) / 1000;
    total += r.ok;
    steps.push({ target: server.target, clients: to, joined: r.ok, failed: r.failed, joinP50: pct(r.joinMs, 50), joinP99: pct(r.joinMs, 99), stepSeconds: secs, serverCpuPct: ((cpuMs(server.pid) - c0) / (secs * 1000)) * 100, serverRssMb: rssMb(server.pid), errors: r.errors });
    const s = steps[steps.length - 1];
    console.log(`ramp ${server.target} ${to}: joined ${s.joined} (failed ${s.failed}${s.errors.length ? ' ' + s.errors.join('; ') : ''}) in ${secs.toFixed(1)} s, join p50 ${f1(s.joinP50)} p99 ${f1(s.joinP99)} ms, server CPU ${s.serverCpuPct.toFixed(0)} % RSS ${s.serverRssMb.toFixed(0)} MB`);
    if (r.failed) break;
  }
  await sleep(HOLD * 1000);
  await settle([server.pid]);
  const pres = (await Promise.all(workers.map((w) => w.request({ type: 'presence', group: server.target })))) as Extract<FromWorker, { type: 'presence' }>[];
  const open = pres.reduce((a, p) => a + p.open, 0);
  const sizes = pres.flatMap((p) => p.sizes);
  const held: { open: number; presence?: { min: number; max: number; expected: number } } = { open };
  if (server.target === 'ours') {
    const distinct = new Set(Array.from({ length: total }, (_, i) => server.token(i))).size;
    held.presence = { min: Math.min(...sizes), max: Math.max(...sizes), expected: distinct };
  }
  console.log(`ramp ${server.target}: after ${HOLD} s, ${open} of ${total} clients open${held.presence ? `; presence seen by each client: min ${held.presence.min}, max ${held.presence.max}, users in the room ${held.presence.expected}` : ''}`);
  let chat: PhaseResult | undefined;
  if (open > 0) {
    chat = await runPhase(workers, server, open, Math.min(...RATES), 10);
    console.log(`ramp ${phaseLine(chat)}`);
  }
  await closeClients(workers, server.target);
  await settle([server.pid]);
  return { steps, held, chat };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const dataDir = KEEP_DATA ?? mkdtempSync(join(tmpdir(), 'xz-bench-live-'));
  if (KEEP_DATA) mkdirSync(KEEP_DATA, { recursive: true });
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = () => {
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  process.once('SIGINT', () => {
    stopAll();
    if (!KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  });
  try {
    const servers: Partial<Record<Target, Server>> = {};
    if (TARGETS.includes('bare')) {
      const bare = await startBare();
      children.push(bare.child);
      servers.bare = { target: 'bare', url: bare.url, pid: bare.child.pid!, token: () => 'bench', newRoom: async () => randomUUID() };
      console.log(`bare socket.io server on ${bare.url} (pid ${bare.child.pid})`);
    }
    if (TARGETS.includes('ours')) {
      const t0 = Date.now();
      const ours = await startOurs(dataDir);
      children.push(ours.child);
      console.log(`our api on ${ours.url} (pid ${ours.child.pid}), up with migrations and seed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const accounts = Number(args.get('users') ?? Math.max(...CLIENTS, RAMP));
      servers.ours = await prepareOurs(ours.url, ours.child.pid!, accounts, dataDir);
    }
    const workers = startWorkers();
    children.push(...workers.map((w) => w.proc));
    // A child that dies mid-run would leave a request unanswered: end the run instead of hanging.
    for (const c of children) {
      c.once('exit', (code, signal) => {
        if (stopping) return;
        console.error(`child ${c.pid} exited unexpectedly (${code ?? signal}); stopping`);
        stopAll();
        if (!KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
        process.exit(1);
      });
    }
    console.log(`${WORKERS} client worker(s); ${SENDERS} senders; ${WARMUP} s warm-up + ${SECONDS} s measured per phase; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

    const results: PhaseResult[] = [];
    const joins: { target: Target; clients: number; joinP50: number; joinP99: number; failed: number }[] = [];
    // Per room size both servers hold their room at once (idle sockets cost next to nothing), and the phases
    // alternate bare / ours for each rate, REPEAT rounds, the order flipping each time: both sides see the same
    // load from the rest of the machine, and the ratio is taken per round from adjacent phases.
    let turn = 0;
    for (const n of CLIENTS) {
      const ready: Server[] = [];
      for (const target of TARGETS) {
        const server = servers[target]!;
        const room = await server.newRoom();
        const j = await connectClients(workers, server, room, 0, n);
        joins.push({ target, clients: n, joinP50: pct(j.joinMs, 50), joinP99: pct(j.joinMs, 99), failed: j.failed });
        console.log(`${target} N=${n}: ${j.ok} joined, ${j.failed} failed${j.errors.length ? ` (${j.errors.join('; ')})` : ''}, join p50 ${f1(pct(j.joinMs, 50))} p99 ${f1(pct(j.joinMs, 99))} ms`);
        if (j.failed === 0) ready.push(server);
      }
      await settle(ready.map((x) => x.pid));
      for (let round = 0; round < REPEAT; round++) {
        for (const rate of RATES) {
          const order = turn++ % 2 === 0 ? ready : [...ready].reverse();
          for (const server of order) {
            const r = await runPhase(workers, server, n, rate, SECONDS, round);
            results.push(r);
            console.log(phaseLine(r));
          }
        }
      }
      await closeClients(workers);
      await settle(Object.values(servers).map((x) => x.pid));
    }

    // Summary: per (N, rate), the median over the rounds of each side; the ratio is the median of the rounds' ratios.
    const med = (xs: number[]) => {
      const v = [...xs].sort((a, b) => a - b);
      return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    };
    const table: string[] = [
      '| clients | msg/s | deliveries/s bare / ours | p50 ms bare / ours | p99 ms bare / ours | p99 ratio | lost bare / ours | server CPU bare / ours | ack p99 ms ours |',
      '|---|---|---|---|---|---|---|---|---|',
    ];
    for (const n of CLIENTS) {
      for (const rate of RATES) {
        const side = (t: Target) => results.filter((r) => r.target === t && r.clients === n && r.rate === rate);
        const b = side('bare');
        const o = side('ours');
        if (!b.length && !o.length) continue;
        const m = (xs: PhaseResult[], k: keyof PhaseResult) => (xs.length ? med(xs.map((x) => x[k] as number)) : NaN);
        const cell = (k: keyof PhaseResult, fmt: (x: number) => string) => `${fmt(m(b, k))} / ${fmt(m(o, k))}`;
        const sum = (xs: PhaseResult[], k: keyof PhaseResult) => (xs.length ? xs.reduce((a, x) => a + (x[k] as number), 0) : NaN);
        table.push(
          `| ${n} | ${rate} | ${cell('deliveriesPerSec', (x) => (Number.isFinite(x) ? x.toFixed(0) : '—'))} | ${cell('p50', f1)} | ${cell('p99', f1)} | ${f1(med(o.map((x) => x.p99 / (b.find((y) => y.round === x.round)?.p99 ?? NaN))))} | ${fmtN(sum(b, 'lost'))} / ${fmtN(sum(o, 'lost'))} | ${cell('serverCpuPct', (x) => (Number.isFinite(x) ? `${x.toFixed(0)} %` : '—'))} | ${f1(m(o, 'ackP99'))} |`,
        );
      }
    }
    console.log('\n' + table.join('\n'));

    const ramps: Awaited<ReturnType<typeof ramp>>[] = [];
    if (RAMP > 0) for (const t of TARGETS) ramps.push(await ramp(workers, servers[t]!));

    stopping = true;
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ at: new Date().toISOString(), options: Object.fromEntries(args), results, joins, ramps }, null, 2));
    for (const w of workers) w.proc.disconnect();
    const api = servers.ours && children.find((c) => c.pid === servers.ours!.pid);
    if (api) {
      // A clean stop (app.close, then exit), so a --profile-api profile gets written.
      api.send({ type: 'stop' });
      await Promise.race([new Promise((r) => api.once('exit', r)), sleep(15_000)]);
    }
  } finally {
    stopAll();
    if (!KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve-api')) {
  serveApi().catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
