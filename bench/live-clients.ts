/**
 * Client side of the live-room benchmark (bench/live.bench.ts forks one or two of these, so that the sockets'
 * receive work runs outside the measuring process). Driven over IPC; each worker holds many socket.io-client
 * connections (websocket transport, one engine per client: `forceNew`) to one server's `/live` namespace, all in
 * one room.
 *
 * Timing: the sender puts `process.hrtime.bigint()` in the message text just before `emit`; each receiver takes
 * the same clock on `chat:message`. That clock is CLOCK_MONOTONIC, one clock for every process of the machine,
 * so the difference is the delivery latency across processes (send -> server -> every client), including the
 * server's ack-before-broadcast work (auth, validation, storing on our side).
 *
 * Messages from the orchestrator: connect, phase, presence, close (see the types below); each gets one reply.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, Socket } from 'socket.io-client';

export type ToWorker =
  | { type: 'connect'; group: string; url: string; sessionId: string; tokens: string[]; concurrency: number }
  | {
      type: 'phase';
      /** The group of sockets (one server's room) that takes part; the other groups stay idle. */
      group: string;
      id: string;
      /** hrtime (ns, as a string) at which sending starts, the same for every worker. */
      startAt: string;
      warmupSeconds: number;
      seconds: number;
      /** Messages per second of each sender of this worker. */
      rate: number;
      /** This worker's first `senders.length` sockets send; offsets (ms) stagger them across all workers. */
      senders: number[];
      drainMs: number;
    }
  | { type: 'presence'; group: string }
  | { type: 'close'; group?: string };

export type FromWorker =
  | { type: 'connected'; ok: number; failed: number; joinMs: number[]; errors: string[]; open: number }
  | {
      type: 'phase-result';
      sent: number;
      accepted: number;
      rejected: number;
      rejectCodes: Record<string, number>;
      ackMs: number[];
      /** Receive count per measured message key (`worker.sender.seq`), over this worker's sockets. */
      counts: Record<string, number>;
      latMs: number[];
      duplicates: number;
      /** Sockets of this worker that were connected for the whole phase. */
      open: number;
      dropped: number;
      cpuMs: number;
      loopDelayP99Ms: number;
    }
  | { type: 'presence'; sizes: number[]; open: number }
  | { type: 'closed' };

interface Client {
  group: string;
  sessionId: string;
  socket: Socket;
  open: boolean;
  seen: Set<string>;
  presence: number;
}

const workerId = process.env.BENCH_WORKER_ID ?? '0';
const clients: Client[] = [];
let phase: { id: string; counts: Map<string, number>; lat: number[]; duplicates: number } | undefined;

const send = (m: FromWorker) => process.send!(m);
const nowNs = () => process.hrtime.bigint();

/** Number of people in a presence payload, whatever its envelope (array, or an object holding one). */
function presenceSize(p: unknown): number {
  if (Array.isArray(p)) return p.length;
  if (p && typeof p === 'object') {
    for (const k of ['presence', 'members', 'participants', 'users', 'people']) {
      const v = (p as Record<string, unknown>)[k];
      if (Array.isArray(v)) return v.length;
    }
    if (typeof (p as { count?: unknown }).count === 'number') return (p as { count: number }).count;
  }
  return -1;
}

function onMessage(c: Client, msg: { text?: string }): void {
  const at = nowNs();
  const text = msg?.text;
  if (!phase || typeof text !== 'string' || !text.startsWith('bench|')) return;
  // bench|<phase>|<m|w>|<key>|<sentNs>
  const [, id, kind, key, sentNs] = text.split('|');
  if (id !== phase.id || kind !== 'm') return;
  if (c.seen.has(key)) {
    phase.duplicates++;
    return;
  }
  c.seen.add(key);
  phase.counts.set(key, (phase.counts.get(key) ?? 0) + 1);
  phase.lat.push(Number(at - BigInt(sentNs)) / 1e6);
}

function connectOne(group: string, url: string, sessionId: string, token: string): Promise<{ ms: number; error?: string }> {
  const t0 = nowNs();
  return new Promise((resolve) => {
    const socket = io(`${url}/live`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      // A drop is a failure of the run, not something to paper over.
      reconnection: false,
      timeout: 60_000,
    });
    const c: Client = { group, sessionId, socket, open: false, seen: new Set(), presence: -1 };
    let settled = false;
    const done = (error?: string) => {
      if (settled) return;
      settled = true;
      if (error) socket.close();
      else clients.push(c);
      resolve({ ms: Number(nowNs() - t0) / 1e6, error });
    };
    socket.on('chat:message', (m: { text?: string }) => onMessage(c, m));
    socket.on('presence:update', (p: unknown) => (c.presence = presenceSize(p)));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => done(`connect_error ${err.data?.code ?? err.message}`));
    socket.on('disconnect', (reason) => {
      c.open = false;
      if (!settled) done(`disconnect ${reason}`);
    });
    socket.on('connect', () => {
      socket.timeout(60_000).emit('session:join', { sessionId }, (err: Error | null, res: { ok?: boolean; error?: { code?: string }; presence?: unknown }) => {
        if (err) return done(`join timeout`);
        if (!res?.ok) return done(`join refused ${res?.error?.code ?? JSON.stringify(res)}`);
        c.open = true;
        if (res.presence !== undefined) c.presence = presenceSize(res.presence);
        done();
      });
    });
  });
}

async function connect(m: Extract<ToWorker, { type: 'connect' }>): Promise<void> {
  const joinMs: number[] = [];
  const errors: string[] = [];
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < m.tokens.length) {
      const token = m.tokens[next++];
      const r = await connectOne(m.group, m.url, m.sessionId, token);
      if (r.error) {
        failed++;
        if (errors.length < 5) errors.push(r.error);
      } else joinMs.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, m.concurrency) }, lane));
  send({ type: 'connected', ok: joinMs.length, failed, joinMs, errors, open: clients.filter((c) => c.group === m.group && c.open).length });
}

async function runPhase(m: Extract<ToWorker, { type: 'phase' }>): Promise<void> {
  const group = clients.filter((c) => c.group === m.group);
  for (const c of group) c.seen.clear();
  phase = { id: m.id, counts: new Map(), lat: [], duplicates: 0 };
  const openAtStart = group.filter((c) => c.open);
  const cpu0 = process.cpuUsage();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const periodMs = 1000 / m.rate;
  const start = BigInt(m.startAt);
  const warmEnd = start + BigInt(Math.round(m.warmupSeconds * 1e9));
  const end = warmEnd + BigInt(Math.round(m.seconds * 1e9));
  let sent = 0;
  let accepted = 0;
  let rejected = 0;
  const rejectCodes: Record<string, number> = {};
  const ackMs: number[] = [];
  const pendingAcks: Promise<void>[] = [];

  const senderLoop = (index: number, offsetMs: number) =>
    new Promise<void>((resolve) => {
      const c = group[index];
      let seq = 0;
      const tick = () => {
        const due = start + BigInt(Math.round((offsetMs + seq * periodMs) * 1e6));
        if (due >= end) return resolve();
        const wait = Number(due - nowNs()) / 1e6;
        if (wait > 1) {
          setTimeout(tick, wait);
          return;
        }
        const measured = due >= warmEnd;
        const key = `${workerId}.${index}.${seq}`;
        seq++;
        const t = nowNs();
        const text = `bench|${m.id}|${measured ? 'm' : 'w'}|${key}|${t}`;
        if (measured) sent++;
        pendingAcks.push(
          new Promise<void>((ackDone) => {
            c.socket.timeout(30_000).emit('chat:send', { sessionId: c.sessionId, clientMsgId: `${m.id}-${key}`, text }, (err: Error | null, res: { ok?: boolean; error?: { code?: string } }) => {
              if (measured) {
                if (!err && res?.ok) {
                  accepted++;
                  ackMs.push(Number(nowNs() - t) / 1e6);
                } else {
                  rejected++;
                  const code = err ? 'ack timeout' : (res?.error?.code ?? 'no ok');
                  rejectCodes[code] = (rejectCodes[code] ?? 0) + 1;
                }
              }
              ackDone();
            });
          }),
        );
        setImmediate(tick);
      };
      tick();
    });

  await Promise.all(m.senders.map((offset, i) => senderLoop(i, offset)));
  await Promise.all(pendingAcks);
  await new Promise((r) => setTimeout(r, m.drainMs));
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  const result: FromWorker = {
    type: 'phase-result',
    sent,
    accepted,
    rejected,
    rejectCodes,
    ackMs,
    counts: Object.fromEntries(phase.counts),
    latMs: phase.lat,
    duplicates: phase.duplicates,
    open: openAtStart.filter((c) => c.open).length,
    dropped: openAtStart.filter((c) => !c.open).length,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
  };
  phase = undefined;
  send(result);
}

process.on('message', (m: ToWorker) => {
  const fail = (err: unknown) => {
    console.error(err);
    process.exit(1);
  };
  if (m.type === 'connect') connect(m).catch(fail);
  else if (m.type === 'phase') runPhase(m).catch(fail);
  else if (m.type === 'presence') {
    const open = clients.filter((c) => c.group === m.group && c.open);
    send({ type: 'presence', sizes: open.map((c) => c.presence), open: open.length });
  } else if (m.type === 'close') {
    for (let i = clients.length - 1; i >= 0; i--) {
      const c = clients[i];
      if (m.group !== undefined && c.group !== m.group) continue;
      clients.splice(i, 1);
      c.open = false;
      c.socket.close();
    }
    send({ type: 'closed' });
  }
});
process.on('disconnect', () => process.exit(0));
