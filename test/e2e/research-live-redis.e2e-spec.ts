import { randomBytes, randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../utils/create-app';
import { LiveTestClient, sleep } from '../utils/live-client';

const unique = () => randomBytes(4).toString('hex');

/**
 * Scale-out (issue 5 item 7): two api instances on LIVE_FANOUT=redis (Redis runs on this machine and in CI),
 * sharing the database, the JWT secret (DATA_DIR) and the Redis prefix as the instances of one deployment do,
 * with clients on each. Presence comes from fetchSockets() through the redis adapter, so it spans instances.
 */
describe('research live room across two api instances (redis adapter)', () => {
  let a: TestApp;
  let b: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const orgs: Record<string, string> = {};
  const clients: LiveTestClient[] = [];
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const shared = () => ({ LIVE_FANOUT: 'redis', DATA_DIR: a.config.DATA_DIR, QUEUE_PREFIX: a.config.QUEUE_PREFIX, ...(a.config.DATABASE_URL ? { DATABASE_URL: a.config.DATABASE_URL } : {}) });
  const connect = async (who: string, on: TestApp) => {
    const client = await LiveTestClient.connect(on.url, { token: tokens[who] });
    clients.push(client);
    return client;
  };
  const schedule = async () => {
    const now = Date.now();
    const res = await a
      .http()
      .post('/api/v1/research-sessions')
      .set(as('admin.jianzhou'))
      .send({
        kind: 'joint_research',
        title: `联合教研（双实例）${unique()}`,
        subject: '数学',
        hostOrganizationId: orgs['admin.jianzhou'],
        invitedOrganizationIds: [orgs['teacher.dongcheng']],
        startsAt: new Date(now - 1000).toISOString(),
        endsAt: new Date(now + 60_000).toISOString(),
        agenda: [{ title: '说课' }, { title: '评课' }],
        creditHours: 1,
        creditRule: 'threshold',
        minAttendancePercent: 1,
      });
    if (res.status !== 201) throw new Error(`scheduling failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  beforeAll(async () => {
    a = await createTestApp({ LIVE_FANOUT: 'redis' });
    b = await createTestApp(shared());
    for (const who of ['admin.jianzhou', 'teacher.jianzhou', 'teacher.dongcheng']) {
      ({ token: tokens[who], id: ids[who], organizationId: orgs[who] } = await a.signIn(who));
    }
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('chat and presence cross between instances; a resend through the other instance does not duplicate', async () => {
    const sessionId = await schedule();
    const onA = await connect('teacher.jianzhou', a);
    const onB = await connect('teacher.dongcheng', b);
    expect((await onA.request('session:join', { sessionId })).ok).toBe(true);
    const joinB = await onB.request('session:join', { sessionId });
    // B's join ack lists the user connected to A
    expect(joinB.presence.map((p: any) => p.userId).sort()).toEqual([ids['teacher.jianzhou'], ids['teacher.dongcheng']].sort());
    // and A's client gets B's join as a delta through Redis
    expect(await onA.waitForEvent('presence:update', (p) => p.joined?.userId === ids['teacher.dongcheng'])).toMatchObject({ sessionId, count: 2, joined: { school: '旺苍东城中学' } });

    const fromB = await onB.request('chat:send', { sessionId, clientMsgId: 'b-1', text: '来自实例 B 的消息' });
    expect(fromB.ok).toBe(true);
    expect(await onA.waitForEvent('chat:message', (m) => m.id === fromB.id)).toMatchObject({ text: '来自实例 B 的消息', name: '杨丽' });
    const fromA = await onA.request('chat:send', { sessionId, clientMsgId: 'a-1', text: '实例 A 回复' });
    expect(await onB.waitForEvent('chat:message', (m) => m.id === fromA.id)).toMatchObject({ text: '实例 A 回复', name: '刘晓燕' });

    // dongcheng's link moves to instance A and resends its last message: same id, no second delivery
    const movedToA = await connect('teacher.dongcheng', a);
    const rejoin = await movedToA.request('session:join', { sessionId, lastSeenMessageId: fromB.id });
    expect(rejoin.missed.map((m: any) => m.id)).toEqual([fromA.id]);
    expect(rejoin.presence).toHaveLength(2);
    expect(await movedToA.request('chat:send', { sessionId, clientMsgId: 'b-1', text: '来自实例 B 的消息' })).toEqual({ ok: true, id: fromB.id, duplicate: true });
    await sleep(300);
    expect(onA.of('chat:message').filter((m) => m.clientMsgId === 'b-1')).toHaveLength(1);
  });

  it('a user with sockets on both instances shows once and leaves only when the last socket (on either) goes', async () => {
    const sessionId = await schedule();
    const watcher = await connect('teacher.jianzhou', a);
    await watcher.request('session:join', { sessionId });
    const tabOnA = await connect('teacher.dongcheng', a);
    const tabOnB = await connect('teacher.dongcheng', b);
    await tabOnA.request('session:join', { sessionId });
    expect((await tabOnB.request('session:join', { sessionId })).presence).toHaveLength(2);
    await sleep(300);
    expect(watcher.of('presence:update').filter((p) => p.joined?.userId === ids['teacher.dongcheng'])).toHaveLength(1);

    tabOnA.close();
    await sleep(500);
    expect(watcher.of('presence:update').some((p) => p.left === ids['teacher.dongcheng'])).toBe(false);
    tabOnB.close();
    expect(await watcher.waitForEvent('presence:update', (p) => p.left === ids['teacher.dongcheng'])).toEqual({ sessionId, left: ids['teacher.dongcheng'], count: 1 });
  });

  it('ending through instance A reaches and closes the room for clients on instance B', async () => {
    const sessionId = await schedule();
    const hostOnA = await connect('admin.jianzhou', a);
    const teacherOnB = await connect('teacher.dongcheng', b);
    expect((await hostOnA.request('session:join', { sessionId })).canModerate).toBe(true);
    expect((await teacherOnB.request('session:join', { sessionId })).ok).toBe(true);
    expect(await hostOnA.request('agenda:advance', { sessionId, index: 1 })).toEqual({ ok: true, currentAgendaIndex: 1 });
    expect(await teacherOnB.waitForEvent('agenda:update')).toMatchObject({ currentAgendaIndex: 1 });

    expect((await hostOnA.request('session:end', { sessionId })).ok).toBe(true);
    expect(await teacherOnB.waitForEvent('session:ended')).toMatchObject({ sessionId, reason: 'ended' });
    await sleep(300);
    expect(await teacherOnB.request('chat:send', { sessionId, clientMsgId: randomUUID(), text: '结束了吗' })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
  });

  it('closing an instance disconnects its clients; they leave presence on the others', async () => {
    const sessionId = await schedule();
    const c = await createTestApp(shared());
    let closed = false;
    try {
      const watcher = await connect('teacher.jianzhou', a);
      await watcher.request('session:join', { sessionId });
      const onC = await connect('teacher.dongcheng', c);
      await onC.request('session:join', { sessionId });
      await watcher.waitForEvent('presence:update', (p) => p.joined?.userId === ids['teacher.dongcheng']);
      const disconnected = new Promise<string>((resolve) => onC.socket.once('disconnect', resolve));
      const started = Date.now();
      await c.close();
      closed = true;
      expect(Date.now() - started).toBeLessThan(8000);
      expect(await disconnected).toBe('io server disconnect');
      expect(await watcher.waitForEvent('presence:update', (p) => p.left === ids['teacher.dongcheng'])).toMatchObject({ count: 1 });
    } finally {
      if (!closed) await c.close();
    }
  });
});
