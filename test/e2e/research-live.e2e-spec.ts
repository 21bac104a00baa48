import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LiveChatMessage } from '@app/domain/research/live/chat/live-chat-message.entity';
import { createTeacherElsewhere, createTestApp, TestApp } from '../utils/create-app';
import { LiveTestClient, liveRefusal, sleep } from '../utils/live-client';

/** LIVE_FANOUT=redis in the environment runs the api on the redis adapter (the real-services pass). */
const fanoutEnv = (): Record<string, string> => (process.env.LIVE_FANOUT === 'redis' ? { LIVE_FANOUT: 'redis' } : {});
const unique = () => randomBytes(4).toString('hex');

describe('research live room (/live): join, presence, chat, reconnection, host controls, limits', () => {
  let t: TestApp;
  let chatRows: () => ReturnType<DataSource['getRepository']>;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const orgs: Record<string, string> = {};
  const schoolNames: Record<string, string> = {};
  const clients: LiveTestClient[] = [];
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const connect = async (who: string) => {
    const client = await LiveTestClient.connect(t.url, { token: tokens[who] });
    clients.push(client);
    return client;
  };

  /** 剑州中学 (admin.jianzhou) schedules a joint research session with 旺苍东城中学 through the REST api. */
  const schedule = async (extra: Record<string, unknown> = {}) => {
    const now = Date.now();
    const res = await t
      .http()
      .post('/api/v1/research-sessions')
      .set(as('admin.jianzhou'))
      .send({
        kind: 'joint_research',
        title: `联合教研：函数的单调性（同课异构）${unique()}`,
        subject: '数学',
        hostOrganizationId: orgs['admin.jianzhou'],
        invitedOrganizationIds: [orgs['teacher.dongcheng']],
        invitedUserIds: [],
        // Started a moment ago, scheduled for a minute: the few seconds the teachers stay clear 1 % of it.
        startsAt: new Date(now - 1000).toISOString(),
        endsAt: new Date(now + 60_000).toISOString(),
        online: true,
        agenda: [{ title: '说课', minutes: 10 }, { title: '上课', minutes: 40 }, { title: '评课', minutes: 20 }],
        trainingLevel: 'school',
        creditHours: 2,
        creditRule: 'threshold',
        minAttendancePercent: 1,
        ...extra,
      });
    if (res.status !== 201) throw new Error(`scheduling failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp(fanoutEnv());
    chatRows = () => t.app.get(DataSource).getRepository(LiveChatMessage);
    for (const who of ['city.admin', 'admin.jianzhou', 'teacher.jianzhou', 'teacher.dongcheng']) {
      ({ token: tokens[who], id: ids[who], organizationId: orgs[who], organizationName: schoolNames[who] } = await t.signIn(who));
    }
    // A teacher of a school that is not invited.
    ({ token: tokens.outsider, id: ids.outsider } = await createTeacherElsewhere(t, tokens['city.admin'], [orgs['admin.jianzhou'], orgs['teacher.dongcheng']], '外校教师'));
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t?.close());

  it('refuses a handshake without a valid access token, with the reason', async () => {
    expect(await liveRefusal(t.url, {})).toMatchObject({ message: '请先登录', data: { code: 'AUTH_REQUIRED' } });
    expect((await liveRefusal(t.url, { token: 'not-a-token' })).data?.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('the Done-when walk: join and chat across schools, an outsider refused, resend deduplicated, a drop replayed, the host ends and hours are credited', async () => {
    const sessionId = await schedule();
    const host = await connect('admin.jianzhou');
    const jianzhou = await connect('teacher.jianzhou');
    const dongcheng = await connect('teacher.dongcheng');

    // --- joining: the host's staff and an invited school's teacher; the session goes live ---
    const hostJoin = await host.request('session:join', { sessionId });
    expect(hostJoin).toMatchObject({ ok: true, canModerate: true, session: { id: sessionId, status: 'live', currentAgendaIndex: -1 } });
    expect(hostJoin.session.agenda.map((a: any) => a.title)).toEqual(['说课', '上课', '评课']);
    const jzJoin = await jianzhou.request('session:join', { sessionId });
    expect(jzJoin).toMatchObject({ ok: true, canModerate: false, recentChat: [], missed: [] });
    const dcJoin = await dongcheng.request('session:join', { sessionId });
    expect(dcJoin.ok).toBe(true);
    expect(dcJoin.presence.map((p: any) => p.userId).sort()).toEqual([ids['admin.jianzhou'], ids['teacher.jianzhou'], ids['teacher.dongcheng']].sort());
    expect(dcJoin.presence.find((p: any) => p.userId === ids['teacher.dongcheng'])).toEqual({
      userId: ids['teacher.dongcheng'],
      name: '杨丽',
      schoolId: orgs['teacher.dongcheng'],
      school: '旺苍东城中学',
      role: 'teacher',
    });
    // the teacher already in the room sees the newcomer as a delta, not the full list
    const joinedDelta = await jianzhou.waitForEvent('presence:update', (p) => p.joined?.userId === ids['teacher.dongcheng']);
    expect(joinedDelta).toEqual({ sessionId, joined: expect.objectContaining({ name: '杨丽', school: '旺苍东城中学' }), count: 3 });
    expect((await t.http().get(`/api/v1/research-sessions/${sessionId}`).set(as('admin.jianzhou')).expect(200)).body.status).toBe('live');

    // --- a teacher of an uninvited school is refused, with the reason ---
    const outsider = await connect('outsider');
    expect(await outsider.request('session:join', { sessionId })).toEqual({ ok: false, error: { code: 'LIVE_NOT_INVITED', message: '您不在本次教研活动的邀请名单中' } });
    expect(await outsider.request('chat:send', { sessionId, clientMsgId: 'x1', text: '能进吗' })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
    expect(jianzhou.of('presence:update').some((p) => p.joined?.userId === ids.outsider)).toBe(false);

    // --- chat: stored, acknowledged with the server id, broadcast to everyone including the sender ---
    const clientMsgId = randomUUID();
    const sent = await dongcheng.request('chat:send', { sessionId, clientMsgId, text: '  东城中学的老师们准备好了。 ' });
    expect(sent).toEqual({ ok: true, id: expect.stringMatching(/^[0-9a-f-]{36}$/), duplicate: false });
    const received = await jianzhou.waitForEvent('chat:message', (m) => m.clientMsgId === clientMsgId);
    expect(received).toEqual({
      id: sent.id,
      sessionId,
      userId: ids['teacher.dongcheng'],
      name: '杨丽',
      school: '旺苍东城中学',
      text: '东城中学的老师们准备好了。',
      sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      clientMsgId,
    });
    await dongcheng.waitForEvent('chat:message', (m) => m.id === sent.id);
    const reply = await jianzhou.request('chat:send', { sessionId, clientMsgId: randomUUID(), text: '剑州中学收到，欢迎！' });
    expect(reply.ok).toBe(true);
    await dongcheng.waitForEvent('chat:message', (m) => m.id === reply.id);

    // --- a resend with the same clientMsgId: the same id, one row, no second broadcast ---
    const resent = await dongcheng.request('chat:send', { sessionId, clientMsgId, text: '东城中学的老师们准备好了。' });
    expect(resent).toEqual({ ok: true, id: sent.id, duplicate: true });
    await sleep(300);
    expect(jianzhou.of('chat:message').filter((m) => m.clientMsgId === clientMsgId)).toHaveLength(1);
    expect(dongcheng.of('chat:message').filter((m) => m.clientMsgId === clientMsgId)).toHaveLength(1);
    expect(await chatRows().count({ where: { sessionId, clientMsgId } })).toBe(1);

    // --- a drop: dongcheng's link dies; messages go on; the rejoin replays exactly what was missed ---
    const lastSeen = reply.id;
    dongcheng.close();
    const left = await jianzhou.waitForEvent('presence:update', (p) => p.left === ids['teacher.dongcheng']);
    expect(left).toEqual({ sessionId, left: ids['teacher.dongcheng'], count: 2 });
    const whileAway: string[] = [];
    for (const text of ['第一个问题：定义域？', '第二个问题：图像？', '第三个问题：单调区间？']) {
      const ack = await jianzhou.request('chat:send', { sessionId, clientMsgId: randomUUID(), text });
      whileAway.push(ack.id);
    }
    // How long the client was away does not matter to the replay (a cursor into the store); 2 min gaps are
    // merged by attendance (AttendanceService unit specs). A short real wait keeps the suite fast.
    await sleep(500);
    const back = await connect('teacher.dongcheng');
    const rejoin = await back.request('session:join', { sessionId, lastSeenMessageId: lastSeen });
    expect(rejoin.ok).toBe(true);
    expect(rejoin.missed.map((m: any) => m.id)).toEqual(whileAway);
    expect(rejoin.missed.map((m: any) => m.text)).toEqual(['第一个问题：定义域？', '第二个问题：图像？', '第三个问题：单调区间？']);
    expect(rejoin.missedTruncated).toBe(false);
    expect(rejoin.recentChat.map((m: any) => m.id)).toEqual([sent.id, reply.id, ...whileAway]);
    expect(rejoin.presence.filter((p: any) => p.userId === ids['teacher.dongcheng'])).toHaveLength(1);

    // --- a reconnect that beats the old socket's timeout: the user shows once and never leaves ---
    const presenceEventsBefore = jianzhou.of('presence:update').length;
    const overlap = await connect('teacher.dongcheng');
    const overlapJoin = await overlap.request('session:join', { sessionId, lastSeenMessageId: whileAway[2] });
    expect(overlapJoin.missed).toEqual([]);
    expect(overlapJoin.presence.filter((p: any) => p.userId === ids['teacher.dongcheng'])).toHaveLength(1);
    expect(overlapJoin.presence).toHaveLength(3);
    back.close(); // the old socket finally goes
    await sleep(400);
    expect(jianzhou.of('presence:update').slice(presenceEventsBefore)).toEqual([]);

    // --- host controls: only moderators advance the agenda or end ---
    expect(await overlap.request('agenda:advance', { sessionId, index: 0 })).toMatchObject({ ok: false, error: { code: 'LIVE_MODERATOR_ONLY' } });
    expect(await jianzhou.request('session:end', { sessionId })).toMatchObject({ ok: false, error: { code: 'LIVE_MODERATOR_ONLY' } });
    expect(await host.request('agenda:advance', { sessionId, index: 1 })).toEqual({ ok: true, currentAgendaIndex: 1 });
    expect(await overlap.waitForEvent('agenda:update')).toMatchObject({ sessionId, currentAgendaIndex: 1, agenda: expect.any(Array) });
    expect(await host.request('agenda:advance', { sessionId, index: 7 })).toMatchObject({ ok: false, error: { code: 'RESEARCH_SESSION_AGENDA_INVALID' } });

    // --- the host ends the session: everyone is told, the room closes, the teachers' hours are credited ---
    const ended = await host.request('session:end', { sessionId });
    expect(ended).toMatchObject({ ok: true, status: 'ended', endedAt: expect.any(String) });
    for (const c of [jianzhou, overlap]) expect(await c.waitForEvent('session:ended')).toMatchObject({ sessionId, reason: 'ended' });
    await sleep(100);
    expect(await overlap.request('chat:send', { sessionId, clientMsgId: randomUUID(), text: '还在吗？' })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
    expect(await overlap.request('session:join', { sessionId })).toMatchObject({ ok: false, error: { code: 'RESEARCH_SESSION_ENDED' } });

    const year = new Date().getUTCFullYear();
    for (const who of ['teacher.jianzhou', 'teacher.dongcheng']) {
      const training = (await t.http().get(`/api/v1/users/${ids[who]}/training`).query({ year }).set(as(who)).expect(200)).body;
      const record = training.records.find((r: any) => r.sessionId === sessionId);
      expect(record).toMatchObject({ source: 'session', hours: 2, level: 'school', userId: ids[who] });
    }
    // the outsider never joined and earned nothing
    const outsiderTraining = (await t.http().get(`/api/v1/users/${ids.outsider}/training`).query({ year }).set(as('outsider')).expect(200)).body;
    expect(outsiderTraining.records.some((r: any) => r.sessionId === sessionId)).toBe(false);
  });

  it('a second tab of the same user adds nobody to presence; the user leaves only when the last tab goes', async () => {
    const sessionId = await schedule();
    const watcher = await connect('teacher.jianzhou');
    await watcher.request('session:join', { sessionId });
    const tab1 = await connect('teacher.dongcheng');
    const tab2 = await connect('teacher.dongcheng');
    expect((await tab1.request('session:join', { sessionId })).presence).toHaveLength(2);
    expect((await tab2.request('session:join', { sessionId })).presence).toHaveLength(2);
    await sleep(200);
    expect(watcher.of('presence:update').filter((p) => p.joined?.userId === ids['teacher.dongcheng'])).toHaveLength(1);

    // a message reaches both tabs
    const ack = await tab1.request('chat:send', { sessionId, clientMsgId: randomUUID(), text: '两个窗口' });
    await tab2.waitForEvent('chat:message', (m) => m.id === ack.id);

    expect(await tab1.request('session:leave', { sessionId })).toEqual({ ok: true });
    await sleep(300);
    expect(watcher.of('presence:update').some((p) => p.left === ids['teacher.dongcheng'])).toBe(false);
    expect(await tab1.request('chat:send', { sessionId, clientMsgId: randomUUID(), text: '已离开' })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
    expect(await tab1.request('session:leave', { sessionId })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
    tab2.close();
    expect(await watcher.waitForEvent('presence:update', (p) => p.left === ids['teacher.dongcheng'])).toEqual({ sessionId, left: ids['teacher.dongcheng'], count: 1 });

    // attendance shows one interval per stay, not per socket
    const summary = (await t.http().get(`/api/v1/research-sessions/${sessionId}/attendance`).set(as('admin.jianzhou')).expect(200)).body;
    const dc = summary.people.find((p: any) => p.userId === ids['teacher.dongcheng']);
    expect(dc.intervals).toHaveLength(1);
    expect(dc.intervals[0].leftAt).not.toBeNull();
  });

  it('malformed, unknown, unauthorised and ack-less events get a coded answer, never a crash or silence', async () => {
    const sessionId = await schedule();
    const c = await connect('teacher.dongcheng');

    // before joining
    expect(await c.request('chat:send', { sessionId, clientMsgId: 'a', text: 'hi' })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
    expect(await c.request('session:join', { sessionId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'RESEARCH_SESSION_NOT_FOUND' } });
    expect(await c.request('session:join', 'not-an-object')).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await c.request('session:join', {})).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await c.request('session:join', { sessionId: 'x'.repeat(500) })).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await c.request('session:join')).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });

    expect((await c.request('session:join', { sessionId })).ok).toBe(true);
    expect(await c.request('chat:send', [sessionId, 'text'])).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await c.request('chat:send', { sessionId, text: '没有 clientMsgId' })).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await c.request('chat:send', { sessionId, clientMsgId: 'a'.repeat(65), text: 'x' })).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await c.request('chat:send', { sessionId, clientMsgId: 'b', text: 42 })).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await c.request('chat:send', { sessionId, clientMsgId: 'c', text: '   ' })).toMatchObject({ ok: false, error: { code: 'LIVE_MESSAGE_EMPTY' } });
    // size limits: the message length (LIVE_MAX_MESSAGE_CHARS, 2000) and the event payload (LIVE_MAX_EVENT_BYTES)
    expect((await c.request('chat:send', { sessionId, clientMsgId: 'd', text: '评'.repeat(2000) })).ok).toBe(true);
    expect(await c.request('chat:send', { sessionId, clientMsgId: 'e', text: '评'.repeat(2001) })).toMatchObject({ ok: false, error: { code: 'LIVE_MESSAGE_TOO_LONG' } });
    expect(await c.request('chat:send', { sessionId, clientMsgId: 'f', text: 'x'.repeat(300 * 1024) })).toMatchObject({ ok: false, error: { code: 'LIVE_PAYLOAD_TOO_LARGE' } });
    expect(await chatRows().count({ where: { sessionId } })).toBe(1);
    // a teacher is no moderator
    expect(await c.request('agenda:advance', { sessionId, index: 'next' })).toMatchObject({ ok: false, error: { code: 'LIVE_MODERATOR_ONLY' } });

    // unknown events: an error ack when there is a callback, an `error` event when there is none
    expect(await c.request('chat:delete', { sessionId })).toEqual({ ok: false, error: { code: 'LIVE_EVENT_UNKNOWN', message: expect.any(String) } });
    c.socket.emit('whatever', { sessionId });
    expect(await c.waitForEvent('error', (e) => e.event === 'whatever')).toEqual({ event: 'whatever', code: 'LIVE_EVENT_UNKNOWN', message: expect.any(String) });
    // a known event without an ack is refused (not run: no message is stored)
    c.socket.emit('chat:send', { sessionId, clientMsgId: 'no-ack', text: '没有回执' });
    expect(await c.waitForEvent('error', (e) => e.event === 'chat:send')).toMatchObject({ code: 'LIVE_ACK_REQUIRED' });
    expect(await chatRows().count({ where: { sessionId, clientMsgId: 'no-ack' } })).toBe(0);

    // the connection survived all of it
    expect(c.socket.connected).toBe(true);
    expect((await c.request('chat:send', { sessionId, clientMsgId: 'g', text: '一切正常' })).ok).toBe(true);
  });

  it('rate-limits each socket (token bucket) with error acks, and recovers after a pause', async () => {
    const sessionId = await schedule();
    const c = await connect('teacher.jianzhou');
    const other = await connect('teacher.dongcheng');
    expect((await c.request('session:join', { sessionId })).ok).toBe(true);
    expect((await other.request('session:join', { sessionId })).ok).toBe(true);
    await sleep(2100); // a full bucket: 2 x LIVE_EVENTS_PER_SECOND (20)
    const acks = await Promise.all(Array.from({ length: 60 }, (_, i) => c.request('chat:send', { sessionId, clientMsgId: `burst-${i}`, text: `第${i}条` })));
    const limited = acks.filter((a) => !a.ok);
    expect(limited.length).toBeGreaterThanOrEqual(15);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(40);
    expect(limited.every((a) => a.error.code === 'LIVE_RATE_LIMITED')).toBe(true);
    // only the accepted ones were stored; the other socket is not limited by this one
    expect(await chatRows().count({ where: { sessionId } })).toBe(acks.filter((a) => a.ok).length);
    expect((await other.request('chat:send', { sessionId, clientMsgId: 'other', text: '我不受影响' })).ok).toBe(true);
    await sleep(1000);
    expect((await c.request('chat:send', { sessionId, clientMsgId: 'after', text: '恢复了' })).ok).toBe(true);
  });

  it('refuses a join beyond LIVE_ROOM_MAX_PARTICIPANTS distinct users, but not another tab of someone inside', async () => {
    const sessionId = await schedule();
    const limit = t.config.LIVE_ROOM_MAX_PARTICIPANTS;
    t.config.LIVE_ROOM_MAX_PARTICIPANTS = 2; // read on every join; restored below
    try {
      const a = await connect('teacher.jianzhou');
      const b = await connect('teacher.dongcheng');
      const c = await connect('admin.jianzhou');
      expect((await a.request('session:join', { sessionId })).ok).toBe(true);
      expect((await b.request('session:join', { sessionId })).ok).toBe(true);
      expect(await c.request('session:join', { sessionId })).toEqual({ ok: false, error: { code: 'LIVE_ROOM_FULL', message: '直播间人数已满' } });
      const bAgain = await connect('teacher.dongcheng');
      expect((await bAgain.request('session:join', { sessionId })).ok).toBe(true);
      a.close();
      await b.waitForEvent('presence:update', (p) => p.left === ids['teacher.jianzhou']);
      expect((await c.request('session:join', { sessionId })).ok).toBe(true);
    } finally {
      t.config.LIVE_ROOM_MAX_PARTICIPANTS = limit;
    }
  });

  it('a cancelled session closes its room and refuses joins with the reason', async () => {
    const sessionId = await schedule();
    const c = await connect('teacher.dongcheng');
    expect((await c.request('session:join', { sessionId })).ok).toBe(true);
    await t.http().post(`/api/v1/research-sessions/${sessionId}/cancel`).set(as('admin.jianzhou')).send({ reason: '停电' }).expect(200);
    expect(await c.waitForEvent('session:ended')).toMatchObject({ sessionId, reason: 'cancelled' });
    await sleep(100);
    expect(await c.request('chat:send', { sessionId, clientMsgId: randomUUID(), text: '还能说话吗' })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
    expect(await c.request('session:join', { sessionId })).toMatchObject({ ok: false, error: { code: 'RESEARCH_SESSION_CANCELLED' } });
  });

  it('keeps the room shut until 30 minutes before the start, so an early visit cannot freeze the schedule', async () => {
    const tomorrow = Date.now() + 24 * 3600_000;
    const sessionId = await schedule({ startsAt: new Date(tomorrow).toISOString(), endsAt: new Date(tomorrow + 3600_000).toISOString() });
    const c = await connect('teacher.dongcheng');
    const host = await connect('admin.jianzhou');
    for (const client of [c, host]) {
      expect(await client.request('session:join', { sessionId })).toEqual({ ok: false, error: { code: 'LIVE_NOT_OPEN_YET', message: '直播间将在活动开始前30分钟开放' } });
    }
    // still scheduled, so the host can move it; moved to 20 minutes from now, the room is open
    const soon = Date.now() + 20 * 60_000;
    const moved = await t
      .http()
      .patch(`/api/v1/research-sessions/${sessionId}`)
      .set(as('admin.jianzhou'))
      .send({ startsAt: new Date(soon).toISOString(), endsAt: new Date(soon + 3600_000).toISOString() })
      .expect(200);
    expect(moved.body.status).toBe('scheduled');
    expect((await c.request('session:join', { sessionId })).ok).toBe(true);
    expect((await t.http().get(`/api/v1/research-sessions/${sessionId}`).set(as('admin.jianzhou')).expect(200)).body.status).toBe('live');
  });
});
