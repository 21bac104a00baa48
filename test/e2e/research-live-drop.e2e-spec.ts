import { randomBytes, randomUUID } from 'node:crypto';
import { io, Socket } from 'socket.io-client';
import { AttendanceService } from '@app/domain/research/training/attendance.service';
import { createTestApp, TestApp } from '../utils/create-app';
import { LiveTestClient, sleep } from '../utils/live-client';
import { TcpProxy } from '../utils/tcp-proxy';

/** LIVE_FANOUT=redis in the environment runs the api on the redis adapter (the real-services pass). */
const fanoutEnv = (): Record<string, string> => (process.env.LIVE_FANOUT === 'redis' ? { LIVE_FANOUT: 'redis' } : {});
const DROP_MS = 30_000;

interface ChatMessage {
  id: string;
  text: string;
  clientMsgId: string;
}

/**
 * A room client that behaves like apps/web/src/research/live-room.ts: socket.io-client reconnects by itself, every
 * 'connect' (the first and each reconnect) joins with the id of the last message it holds, and messages from
 * recentChat, missed and live chat:message events are merged by id.
 */
class RoomClient {
  readonly socket: Socket;
  readonly joinAcks: { connection: number; ack: any }[] = [];
  /** Live chat:message events with the connection (1, 2, ...) they arrived on. */
  readonly live: { connection: number; message: ChatMessage }[] = [];
  readonly disconnects: string[] = [];
  private readonly messages = new Map<string, ChatMessage>();
  private connections = 0;

  constructor(url: string, token: string, private readonly sessionId: string) {
    this.socket = io(`${url}/live`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      // A handshake over the dead link gives up sooner than the default 20 s, as a retry would.
      timeout: 5000,
    });
    this.socket.on('connect', () => void this.join(++this.connections));
    this.socket.on('disconnect', (reason) => this.disconnects.push(reason));
    this.socket.on('chat:message', (m: ChatMessage) => {
      this.live.push({ connection: this.connections, message: m });
      this.merge([m]);
    });
  }

  /** Merged by id, in id order (ids are time-ordered), as the web client shows them. */
  get chat(): ChatMessage[] {
    return [...this.messages.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private merge(ms: ChatMessage[]): void {
    for (const m of ms) this.messages.set(m.id, m);
  }

  private async join(connection: number): Promise<void> {
    const last = this.chat.at(-1);
    const ack = await this.socket.timeout(10_000).emitWithAck('session:join', { sessionId: this.sessionId, lastSeenMessageId: last?.id });
    if (ack.ok) this.merge([...ack.recentChat, ...ack.missed]);
    this.joinAcks.push({ connection, ack });
  }

  async waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; acks ${JSON.stringify(this.joinAcks).slice(0, 1500)}`);
      await sleep(25);
    }
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * The Done-when's "a client dropped for 30 s gets what it missed and shows once in presence", with a real drop:
 * teacher.dongcheng reaches the api through a TCP proxy that blackholes the link for 30 s (no disconnect packet,
 * no FIN: the server finds out by its heartbeat or when the link comes back reset) while teacher.jianzhou keeps
 * chatting. The client reconnects by itself and rejoins with lastSeenMessageId.
 */
describe('research live room (/live): a 30-second network drop', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const orgs: Record<string, string> = {};
  const closers: (() => void)[] = [];
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

  /** 剑州中学 hosts, 旺苍东城中学 invited; started a moment ago, scheduled for an hour. */
  const schedule = async (title: string): Promise<string> => {
    const now = Date.now();
    const created = await t
      .http()
      .post('/api/v1/research-sessions')
      .set(as('admin.jianzhou'))
      .send({
        kind: 'joint_research',
        title: `联合教研：${title} ${randomBytes(3).toString('hex')}`,
        subject: '数学',
        hostOrganizationId: orgs['admin.jianzhou'],
        invitedOrganizationIds: [orgs['teacher.dongcheng']],
        invitedUserIds: [],
        startsAt: new Date(now - 1000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        online: true,
        trainingLevel: 'school',
        creditHours: 2,
      })
      .expect(201);
    return created.body.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp(fanoutEnv());
    const target = new URL(t.url);
    proxy = new TcpProxy(target.hostname, Number(target.port));
    await proxy.start();
    for (const who of ['admin.jianzhou', 'teacher.jianzhou', 'teacher.dongcheng']) {
      ({ token: tokens[who], id: ids[who], organizationId: orgs[who] } = await t.signIn(who));
    }
  });
  afterAll(async () => {
    closers.forEach((close) => close());
    await proxy?.stop();
    await t?.close();
  });

  it(
    'gets exactly the missed messages after reconnecting by itself, shows once in presence, and attends one merged interval',
    async () => {
      const sessionId = await schedule('断线重连');

      // Observers on a direct link: the host and teacher.jianzhou (who chats).
      const host = await LiveTestClient.connect(t.url, { token: tokens['admin.jianzhou'] });
      const jianzhou = await LiveTestClient.connect(t.url, { token: tokens['teacher.jianzhou'] });
      closers.push(() => host.close(), () => jianzhou.close());
      const observerAcks = [await host.request('session:join', { sessionId }), await jianzhou.request('session:join', { sessionId })];
      expect(observerAcks.every((a) => a.ok)).toBe(true);

      const dongcheng = new RoomClient(`http://127.0.0.1:${proxy.port}`, tokens['teacher.dongcheng'], sessionId);
      closers.push(() => dongcheng.close());
      await dongcheng.waitFor('the first join', () => dongcheng.joinAcks.length === 1);
      expect(dongcheng.joinAcks[0].ack).toMatchObject({ ok: true, missed: [] });

      const sent: string[] = [];
      const say = async (text: string) => {
        const ack = await jianzhou.request('chat:send', { sessionId, clientMsgId: randomUUID(), text });
        expect(ack).toMatchObject({ ok: true, duplicate: false });
        sent.push(ack.id);
        return ack.id as string;
      };
      await say('各位老师好，开始评课。');
      const own = await dongcheng.socket.timeout(5000).emitWithAck('chat:send', { sessionId, clientMsgId: randomUUID(), text: '东城中学在线。' });
      expect(own.ok).toBe(true);
      sent.push(own.id);
      await say('先请东城中学的老师说课。');
      await dongcheng.waitFor('the messages before the drop', () => dongcheng.chat.length === 3);
      const lastSeen = dongcheng.chat.at(-1)!.id;
      expect(lastSeen).toBe(sent[2]);

      // --- the drop: 30 s of silence on dongcheng's link while teacher.jianzhou keeps chatting every 2 s ---
      proxy.blackhole();
      const dropEnds = Date.now() + DROP_MS;
      const duringDrop: string[] = [];
      for (let i = 1; Date.now() < dropEnds - 2000; i++) {
        duringDrop.push(await say(`断线期间第${i}条：请大家看第${i}张幻灯片。`));
        await sleep(2000);
      }
      await sleep(Math.max(0, dropEnds - Date.now()));
      // Nothing got through the dead link.
      expect(dongcheng.chat.map((m) => m.id)).toEqual(sent.slice(0, 3));
      expect(duringDrop.length).toBeGreaterThanOrEqual(10);

      // --- the link comes back: the client reconnects by itself and rejoins with lastSeenMessageId ---
      proxy.restore();
      await dongcheng.waitFor('the rejoin', () => dongcheng.joinAcks.length === 2, 15_000);
      const rejoin = dongcheng.joinAcks[1].ack;
      expect(rejoin.ok).toBe(true);
      expect(dongcheng.disconnects.length).toBeGreaterThanOrEqual(1);
      // exactly what was missed: no gap, no duplicate, in order
      expect(rejoin.missed.map((m: ChatMessage) => m.id)).toEqual(duringDrop);
      expect(rejoin.missedTruncated).toBe(false);
      expect(rejoin.presence.map((p: any) => p.userId).sort()).toEqual([ids['admin.jianzhou'], ids['teacher.jianzhou'], ids['teacher.dongcheng']].sort());

      // live delivery resumes on the new connection
      const after = await say('欢迎东城中学的老师回来。');
      await dongcheng.waitFor('the message after the rejoin', () => dongcheng.chat.some((m) => m.id === after));
      await sleep(300);
      expect(dongcheng.chat.map((m) => m.id)).toEqual(sent);
      // Each message reached the client once as news (a live event or a missed entry), never twice.
      const delivered = [...dongcheng.live.map((e) => e.message.id), ...rejoin.missed.map((m: ChatMessage) => m.id)];
      expect(delivered.sort()).toEqual([...sent].sort());
      expect(dongcheng.live.filter((e) => e.connection === 2).map((e) => e.message.id)).toEqual([after]);

      // --- presence as the observers saw it: dongcheng at most once at every moment, and once at the end ---
      for (const [observer, joinAck] of [
        [host, observerAcks[0]],
        [jianzhou, observerAcks[1]],
      ] as const) {
        let presence: string[] = joinAck.presence.map((p: any) => p.userId);
        const deltas = observer.of('presence:update');
        for (const d of deltas) {
          if (d.joined) presence = [...presence, d.joined.userId]; // appended as is: a duplicate would show
          if (d.left) presence = presence.filter((u) => u !== d.left);
          expect(presence.filter((u) => u === ids['teacher.dongcheng']).length).toBeLessThanOrEqual(1);
          expect(d.count).toBe(presence.length);
        }
        const about = deltas.filter((p) => p.joined?.userId === ids['teacher.dongcheng'] || p.left === ids['teacher.dongcheng']);
        // joined and left alternate (a reset link shows as one leave and one join at most)
        expect(about.map((d) => (d.joined ? 'joined' : 'left')).join(',')).toMatch(/^joined(,left,joined)?$/);
        expect(presence.sort()).toEqual([ids['admin.jianzhou'], ids['teacher.jianzhou'], ids['teacher.dongcheng']].sort());
      }

      // --- attendance: one merged interval, still open ---
      const summary = (await t.http().get(`/api/v1/research-sessions/${sessionId}/attendance`).set(as('admin.jianzhou')).expect(200)).body;
      const dc = summary.people.find((p: any) => p.userId === ids['teacher.dongcheng']);
      expect(dc.mergedIntervals).toEqual([{ joinedAt: dc.intervals[0].joinedAt, leftAt: null }]);
      expect(dc.intervals.length).toBeLessThanOrEqual(2);
      expect(dc.intervals.at(-1).leftAt).toBeNull();
      if (dc.intervals.length === 2) {
        const gapMs = Date.parse(dc.intervals[1].joinedAt) - Date.parse(dc.intervals[0].leftAt);
        expect(gapMs).toBeGreaterThanOrEqual(0);
        expect(gapMs).toBeLessThan(2 * 60_000);
      }
    },
    70_000,
  );

  it('a reconnect racing the end of the old socket keeps the user in presence and attendance, in either order', async () => {
    const attendance = t.app.get(AttendanceService);
    const dc = ids['teacher.dongcheng'];
    const connect = async (who: string) => {
      const c = await LiveTestClient.connect(t.url, { token: tokens[who] });
      closers.push(() => c.close());
      return c;
    };
    /** Presence as a client keeps it from its join ack and the deltas (one entry per user, as the web client does). */
    const seenBy = (observer: LiveTestClient, joinAck: any): string[] => {
      let presence: string[] = joinAck.presence.map((p: any) => p.userId);
      for (const d of observer.of('presence:update')) {
        if (d.joined) presence = [...presence.filter((u) => u !== d.joined.userId), d.joined.userId];
        if (d.left) presence = presence.filter((u) => u !== d.left);
      }
      return presence;
    };
    const attendanceOf = async (sessionId: string) =>
      (await t.http().get(`/api/v1/research-sessions/${sessionId}/attendance`).set(as('admin.jianzhou')).expect(200)).body.people.find((p: any) => p.userId === dc);
    const gate = () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { opened, open };
    };

    // 1. The old socket's leave is under way (no socket of the user left, closing the interval) when the new one
    //    joins: the new join finds the interval still open; the leave then closes it, re-checks, and reopens it.
    {
      const sessionId = await schedule('离开与重连交错');
      const host = await connect('admin.jianzhou');
      const hostAck = await host.request('session:join', { sessionId });
      const old = await connect('teacher.dongcheng');
      expect((await old.request('session:join', { sessionId })).ok).toBe(true);
      await host.waitForEvent('presence:update', (p) => p.joined?.userId === dc);

      const leaving = gate();
      const recordLeave = attendance.recordLeave.bind(attendance);
      const spy = jest.spyOn(attendance, 'recordLeave').mockImplementationOnce(async (...args) => {
        await leaving.opened;
        return recordLeave(...args);
      });
      try {
        old.close();
        for (let i = 0; spy.mock.calls.length === 0; i++) {
          if (i > 200) throw new Error('the leave bookkeeping never ran');
          await sleep(25);
        }
        const fresh = await connect('teacher.dongcheng');
        expect((await fresh.request('session:join', { sessionId })).ok).toBe(true);
        leaving.open();
        const left = await host.waitForEvent('presence:update', (p) => p.left === dc);
        await host.waitForEvent('presence:update', (p) => p.joined?.userId === dc && host.of('presence:update').indexOf(p) > host.of('presence:update').indexOf(left));
      } finally {
        spy.mockRestore();
      }
      await sleep(200);
      expect(seenBy(host, hostAck).filter((u) => u === dc)).toHaveLength(1);
      const person = await attendanceOf(sessionId);
      expect(person.intervals.at(-1).leftAt).toBeNull();
      expect(person.mergedIntervals).toEqual([{ joinedAt: person.intervals[0].joinedAt, leftAt: null }]);
    }

    // 2. The new socket's join is under way (its interval not yet opened) when the old socket goes: the leave sees
    //    the new socket in the room and changes nothing, so observers see no leave and no second join.
    {
      const sessionId = await schedule('重连与离开交错');
      const host = await connect('admin.jianzhou');
      const hostAck = await host.request('session:join', { sessionId });
      const old = await connect('teacher.dongcheng');
      expect((await old.request('session:join', { sessionId })).ok).toBe(true);
      await host.waitForEvent('presence:update', (p) => p.joined?.userId === dc);

      const joining = gate();
      const recordJoin = attendance.recordJoin.bind(attendance);
      const spy = jest.spyOn(attendance, 'recordJoin').mockImplementationOnce(async (...args) => {
        await joining.opened;
        return recordJoin(...args);
      });
      try {
        const fresh = await connect('teacher.dongcheng');
        const ack = fresh.request('session:join', { sessionId });
        for (let i = 0; spy.mock.calls.length === 0; i++) {
          if (i > 200) throw new Error('the join never reached attendance');
          await sleep(25);
        }
        old.close();
        await sleep(500); // the old socket's leave bookkeeping runs meanwhile
        joining.open();
        expect((await ack).ok).toBe(true);
      } finally {
        spy.mockRestore();
      }
      await sleep(200);
      const about = host.of('presence:update').filter((p) => p.joined?.userId === dc || p.left === dc);
      expect(about.map((p) => (p.joined ? 'joined' : 'left'))).toEqual(['joined']);
      expect(seenBy(host, hostAck).filter((u) => u === dc)).toHaveLength(1);
      const person = await attendanceOf(sessionId);
      expect(person.intervals).toEqual([{ joinedAt: expect.any(String), leftAt: null }]);
    }
  });
});
