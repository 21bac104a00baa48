import { randomBytes, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import * as Y from 'yjs';
import { LiveMinutesUpdate } from '@app/domain/research/live/minutes/live-minutes-update.entity';
import { createTeacherElsewhere, createTestApp, TestApp } from '../utils/create-app';
import { LiveTestClient } from '../utils/live-client';

/** LIVE_FANOUT=redis in the environment runs the api on the redis adapter (the real-services pass). */
const fanoutEnv = (): Record<string, string> => (process.env.LIVE_FANOUT === 'redis' ? { LIVE_FANOUT: 'redis' } : {});
const unique = () => randomBytes(4).toString('hex');
/** Few rows before the minutes are compacted, so the compaction path runs here on both databases. */
const COMPACT_AFTER = 6;

/** A teacher's minutes editor: a Y.Doc fed by the room's `minutes:update` events, sending its own edits. */
class MinutesEditor {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText('minutes');
  private readonly outbox: Uint8Array[] = [];

  constructor(
    private client: LiveTestClient,
    private readonly sessionId: string,
  ) {
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') this.outbox.push(u);
    });
    this.listen();
  }

  private listen(): void {
    this.client.socket.on('minutes:update', (e: { sessionId: string; update: Buffer }) => {
      if (e.sessionId === this.sessionId) Y.applyUpdate(this.doc, new Uint8Array(e.update), 'remote');
    });
  }

  /** Pulls what the server has and this doc lacks (by state vector). */
  async sync(): Promise<any> {
    const ack = await this.client.request('minutes:sync', { sessionId: this.sessionId, stateVector: Buffer.from(Y.encodeStateVector(this.doc)) });
    if (ack.ok) Y.applyUpdate(this.doc, new Uint8Array(ack.update), 'remote');
    return ack;
  }

  /** Sends the local edits not yet acknowledged (kept when offline, like a real editor). */
  async flush(): Promise<any[]> {
    const acks = [];
    while (this.outbox.length) {
      const ack = await this.client.request('minutes:update', { sessionId: this.sessionId, update: Buffer.from(this.outbox[0]) });
      acks.push(ack);
      if (!ack.ok) break;
      this.outbox.shift();
    }
    return acks;
  }

  /** After a reconnect: the new socket. */
  reattach(client: LiveTestClient): void {
    this.client = client;
    this.listen();
  }
}

/** Polls until `check` holds (live delivery is asynchronous), failing after `timeoutMs`. */
async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const rubricCard = (v: number, over: Record<string, number> = {}) => ({
  objectives: v,
  content: v,
  methods: v,
  interaction: v,
  effect: v,
  literacy: v,
  ...over,
});

describe('research live room collaboration (/live): hands, polls, shared resources, minutes, rubric, record export', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const orgs: Record<string, string> = {};
  const clients: LiveTestClient[] = [];
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const connect = async (who: string) => {
    const client = await LiveTestClient.connect(t.url, { token: tokens[who] });
    clients.push(client);
    return client;
  };
  /** Connects and joins `sessionId`. */
  const enter = async (who: string, sessionId: string) => {
    const client = await connect(who);
    const joined = await client.request('session:join', { sessionId });
    if (!joined.ok) throw new Error(`${who} could not join: ${JSON.stringify(joined)}`);
    return client;
  };

  /** 剑州中学 (admin.jianzhou) schedules a joint research session with 旺苍东城中学 through the REST api. */
  const schedule = async () => {
    const now = Date.now();
    const res = await t
      .http()
      .post('/api/v1/research-sessions')
      .set(as('admin.jianzhou'))
      .send({
        kind: 'same_lesson_different_designs',
        title: `同课异构：等差数列 ${unique()}`,
        subject: '数学',
        hostOrganizationId: orgs['admin.jianzhou'],
        invitedOrganizationIds: [orgs['teacher.dongcheng']],
        invitedUserIds: [],
        startsAt: new Date(now - 1000).toISOString(),
        endsAt: new Date(now + 3600_000).toISOString(),
        online: true,
        agenda: [{ title: '上课', minutes: 40 }, { title: '评课', minutes: 20 }],
        trainingLevel: 'school',
        creditHours: 1,
      });
    if (res.status !== 201) throw new Error(`scheduling failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({ ...fanoutEnv(), LIVE_MINUTES_COMPACT_AFTER: String(COMPACT_AFTER) });
    for (const who of ['city.admin', 'admin.jianzhou', 'teacher.jianzhou', 'teacher.dongcheng']) {
      ({ token: tokens[who], id: ids[who], organizationId: orgs[who] } = await t.signIn(who));
    }
    // A teacher of a school that is not invited.
    ({ token: tokens.outsider, id: ids.outsider } = await createTeacherElsewhere(t, tokens['city.admin'], [orgs['admin.jianzhou'], orgs['teacher.dongcheng']], '外校听课教师'));
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t?.close());

  it('raise hand: queue in raise order, a second raise keeps its place, host gives the floor, lowers one and all; teachers cannot', async () => {
    const sessionId = await schedule();
    const host = await enter('admin.jianzhou', sessionId);
    const jz = await enter('teacher.jianzhou', sessionId);
    const dc = await enter('teacher.dongcheng', sessionId);
    const queueOf = (e: any) => e.queue.map((h: any) => h.userId);

    const first = await dc.request('hand:raise', { sessionId });
    expect(first).toMatchObject({ ok: true, sessionId, speaker: null });
    expect(first.queue).toEqual([{ userId: ids['teacher.dongcheng'], name: '杨丽', school: '旺苍东城中学', raisedAt: expect.stringMatching(/Z$/) }]);
    const second = await jz.request('hand:raise', { sessionId });
    expect(queueOf(second)).toEqual([ids['teacher.dongcheng'], ids['teacher.jianzhou']]);
    // dongcheng raises again: still first, with the original time
    const again = await dc.request('hand:raise', { sessionId });
    expect(queueOf(again)).toEqual([ids['teacher.dongcheng'], ids['teacher.jianzhou']]);
    expect(again.queue[0].raisedAt).toBe(first.queue[0].raisedAt);
    // everyone in the room, the host included, sees the queue
    await host.waitForEvent('hand:queue', (e) => e.sessionId === sessionId && e.queue.length === 2);

    // host controls are refused to a teacher, with the code
    for (const [event, body] of [
      ['hand:give', { sessionId, userId: ids['teacher.dongcheng'] }],
      ['hand:lower', { sessionId, userId: ids['teacher.dongcheng'] }],
      ['hand:lowerAll', { sessionId }],
    ] as const) {
      expect(await jz.request(event, body)).toEqual({ ok: false, error: { code: 'LIVE_MODERATOR_ONLY', message: '只有主持人可以执行此操作' } });
    }

    // the host gives jianzhou the floor: out of the queue, speaker for everyone
    const given = await host.request('hand:give', { sessionId, userId: ids['teacher.jianzhou'] });
    expect(given).toMatchObject({ ok: true, speaker: { userId: ids['teacher.jianzhou'], school: '剑州中学' } });
    expect(queueOf(given)).toEqual([ids['teacher.dongcheng']]);
    const seen = await dc.waitForEvent('hand:queue', (e) => e.speaker?.userId === ids['teacher.jianzhou']);
    expect(queueOf(seen)).toEqual([ids['teacher.dongcheng']]);
    // only a raised hand can be given the floor
    expect(await host.request('hand:give', { sessionId, userId: ids['teacher.jianzhou'] })).toMatchObject({ ok: false, error: { code: 'LIVE_HAND_NOT_RAISED' } });

    // the speaker lowers their own hand when done: the floor is free
    expect(await jz.request('hand:lower', { sessionId })).toMatchObject({ ok: true, speaker: null });
    await jz.request('hand:raise', { sessionId });
    // the host lowers dongcheng's hand, then everyone's
    const lowered = await host.request('hand:lower', { sessionId, userId: ids['teacher.dongcheng'] });
    expect(queueOf(lowered)).toEqual([ids['teacher.jianzhou']]);
    const cleared = await host.request('hand:lowerAll', { sessionId });
    expect(cleared).toMatchObject({ ok: true, queue: [], speaker: null });
    await dc.waitForEvent('hand:queue', (e) => e.sessionId === sessionId && e.queue.length === 0);

    // outside the room: refused, never broadcast
    const outsider = await connect('outsider');
    expect(await outsider.request('hand:raise', { sessionId })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
    expect(await jz.request('hand:raise', { sessionId: 42 })).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await jz.request('hand:raise', 'not an object')).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect((await jz.request('collab:state', { sessionId })).hands.queue).toEqual([]);
  });

  it('polls: host creates, one vote per person (a second vote and a concurrent double vote refused), live tallies, closed poll refuses votes', async () => {
    const sessionId = await schedule();
    const host = await enter('admin.jianzhou', sessionId);
    const jz = await enter('teacher.jianzhou', sessionId);
    const jz2 = await enter('teacher.jianzhou', sessionId); // a second tab of the same teacher
    const dc = await enter('teacher.dongcheng', sessionId);

    expect(await jz.request('poll:create', { sessionId, question: '可以吗？', options: ['是', '否'] })).toMatchObject({ ok: false, error: { code: 'LIVE_MODERATOR_ONLY' } });
    expect(await host.request('poll:create', { sessionId, question: '只有一个选项', options: ['唯一'] })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_INVALID' } });
    expect(await host.request('poll:create', { sessionId, question: '重复', options: ['是', ' 是'] })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_INVALID' } });
    expect(await host.request('poll:create', { sessionId, question: '格式', options: '是,否' })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_INVALID' } });

    const created = await host.request('poll:create', { sessionId, question: '本节课的教学重点是否突出？', options: ['非常突出', '比较突出', '不突出'] });
    expect(created).toMatchObject({ ok: true, status: 'open', tallies: [0, 0, 0], totalVotes: 0, voters: 0, poll: { sessionId, multiple: false, status: 'open', options: ['非常突出', '比较突出', '不突出'] } });
    const pollId = created.poll.id;
    await dc.waitForEvent('poll:update', (e) => e.poll.id === pollId);

    // jianzhou votes from two tabs at once: the unique index lets exactly one through
    const both = await Promise.all([jz.request('poll:vote', { pollId, optionIndex: 0 }), jz2.request('poll:vote', { pollId, optionIndex: 1 })]);
    expect(both.filter((a) => a.ok)).toHaveLength(1);
    expect(both.filter((a) => !a.ok)).toEqual([{ ok: false, error: { code: 'LIVE_POLL_ALREADY_VOTED', message: '您已经投过票了' } }]);
    const jzChoice = both.findIndex((a) => a.ok);
    const voted = await dc.request('poll:vote', { pollId, optionIndex: 2 });
    expect(voted).toMatchObject({ ok: true, totalVotes: 2, voters: 2 });
    // a later second vote is refused too (votes are not changed)
    expect(await dc.request('poll:vote', { pollId, optionIndex: 0 })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_ALREADY_VOTED' } });
    expect(await host.request('poll:vote', { pollId, optionIndex: 3 })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_OPTION_INVALID' } });
    expect(await host.request('poll:vote', { pollId, optionIndex: '1' })).toMatchObject({ ok: false, error: { code: 'LIVE_EVENT_INVALID' } });
    expect(await host.request('poll:vote', { pollId: randomUUID(), optionIndex: 0 })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_NOT_FOUND' } });
    // someone outside the session cannot vote (nor learn the poll exists)
    const outsider = await connect('outsider');
    expect(await outsider.request('poll:vote', { pollId, optionIndex: 0 })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_NOT_FOUND' } });

    const expected = [0, 0, 0];
    expected[jzChoice] += 1;
    expected[2] += 1;
    // the live tallies reach the whole room
    const live = await host.waitForEvent('poll:update', (e) => e.poll.id === pollId && e.totalVotes === 2);
    expect(live).toMatchObject({ tallies: expected, voters: 2, status: 'open' });

    expect(await jz.request('poll:close', { pollId })).toMatchObject({ ok: false, error: { code: 'LIVE_MODERATOR_ONLY' } });
    const closed = await host.request('poll:close', { pollId });
    expect(closed).toMatchObject({ ok: true, status: 'closed', tallies: expected, poll: { status: 'closed', closedAt: expect.stringMatching(/Z$/) } });
    await dc.waitForEvent('poll:update', (e) => e.poll.id === pollId && e.status === 'closed');
    expect(await host.request('poll:vote', { pollId, optionIndex: 0 })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_CLOSED', message: '投票已结束' } });
    expect(await host.request('poll:close', { pollId })).toMatchObject({ ok: true, status: 'closed', tallies: expected });

    // multiple choice: several options, each once
    const multi = await host.request('poll:create', { sessionId, question: '哪些环节值得推广？', options: ['导入', '探究', '小结'], multiple: true });
    expect(multi.poll.multiple).toBe(true);
    expect((await dc.request('poll:vote', { pollId: multi.poll.id, optionIndex: 0 })).ok).toBe(true);
    expect(await dc.request('poll:vote', { pollId: multi.poll.id, optionIndex: 1 })).toMatchObject({ ok: true, tallies: [1, 1, 0], totalVotes: 2, voters: 1 });
    expect(await dc.request('poll:vote', { pollId: multi.poll.id, optionIndex: 1 })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_ALREADY_VOTED' } });

    const state = await dc.request('collab:state', { sessionId });
    expect(state.polls.map((p: any) => [p.poll.id, p.status, p.tallies])).toEqual([
      [pollId, 'closed', expected],
      [multi.poll.id, 'open', [1, 1, 0]],
    ]);
  });

  it('shares a library resource the sharer may see; receivers still go through the resource access check', async () => {
    const sessionId = await schedule();
    const jz = await enter('teacher.jianzhou', sessionId);
    const dc = await enter('teacher.dongcheng', sessionId);
    // a draft lesson plan of 剑州中学: its uploader sees it, 旺苍东城中学 does not
    const resource = (
      await t
        .http()
        .post('/api/v1/resources')
        .set(as('teacher.jianzhou'))
        .send({ title: `等差数列教学设计 ${unique()}`, type: 'lesson_plan', subject: '数学', grade: '高一', visibility: 'school' })
        .expect(201)
    ).body;

    const shared = await jz.request('resource:share', { sessionId, resourceId: resource.id });
    expect(shared).toMatchObject({ ok: true, shared: { resource: { id: resource.id, title: resource.title, type: 'lesson_plan' } } });
    const received = await dc.waitForEvent('resource:shared', (e) => e.resource.id === resource.id);
    expect(received).toEqual({
      id: shared.shared.id,
      sessionId,
      resource: { id: resource.id, title: resource.title, type: 'lesson_plan' },
      link: `/api/v1/resources/${resource.id}`,
      downloadLink: `/api/v1/resources/${resource.id}/download`,
      sharedBy: { userId: ids['teacher.jianzhou'], name: expect.any(String), school: '剑州中学' },
      sharedAt: expect.stringMatching(/Z$/),
    });
    // the receiver's own access decides: not visible to 东城
    const opened = await t.http().get(received.link).set(as('teacher.dongcheng'));
    expect(opened.status).toBe(404);
    expect(opened.body.error.code).toBe('RESOURCE_NOT_FOUND');
    expect((await t.http().get(received.link).set(as('teacher.jianzhou'))).status).toBe(200);
    // and 东城 cannot share what it cannot see
    expect(await dc.request('resource:share', { sessionId, resourceId: resource.id })).toMatchObject({ ok: false, error: { code: 'RESOURCE_NOT_FOUND' } });
    expect(await dc.request('resource:share', { sessionId, resourceId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'RESOURCE_NOT_FOUND' } });
    expect((await dc.request('collab:state', { sessionId })).shares.map((s: any) => s.resource.id)).toEqual([resource.id]);
  });

  it('shared minutes (Yjs): two teachers edit at once, one drops and reconnects with its state vector and ends with the same text; compaction keeps it; host locks', async () => {
    const sessionId = await schedule();
    const host = await enter('admin.jianzhou', sessionId);
    let jzClient = await enter('teacher.jianzhou', sessionId);
    const dcClient = await enter('teacher.dongcheng', sessionId);
    const jz = new MinutesEditor(jzClient, sessionId);
    const dc = new MinutesEditor(dcClient, sessionId);

    expect(await jz.sync()).toMatchObject({ ok: true, locked: false });
    expect(jz.text.toString()).toBe('');

    // both type at the same time, each at the start of the empty document
    jz.text.insert(0, '一、剑州中学：教学目标明确，重难点突出。\n');
    dc.text.insert(0, '二、东城中学：小组合作充分，学生参与度高。\n');
    const [jzAcks, dcAcks] = await Promise.all([jz.flush(), dc.flush()]);
    expect([...jzAcks, ...dcAcks].every((a) => a.ok)).toBe(true);
    // each gets the other's update from the room and both converge
    await dcClient.waitForEvent('minutes:update', (e) => e.sessionId === sessionId);
    await jzClient.waitForEvent('minutes:update', (e) => e.sessionId === sessionId);
    expect(jz.text.toString()).toBe(dc.text.toString());
    expect(jz.text.toString()).toContain('一、剑州中学');
    expect(jz.text.toString()).toContain('二、东城中学');
    // the sender does not get its own update back
    expect(jzClient.of('minutes:update')).toHaveLength(dcAcks.length);

    // jianzhou drops; meanwhile 东城 keeps writing, and jianzhou writes offline
    jzClient.close();
    for (let i = 1; i <= 8; i += 1) {
      dc.text.insert(dc.text.length, `补充意见${i}。`);
      expect((await dc.flush()).every((a) => a.ok)).toBe(true);
    }
    jz.text.insert(jz.text.length, '三、离线时写下的建议。');

    // many rows now: the next load compacts them (the document must not change)
    const rows = () => t.app.get(DataSource).getRepository(LiveMinutesUpdate).count({ where: { sessionId } });
    const before = await rows();
    expect(before).toBeGreaterThan(COMPACT_AFTER);

    // reconnect: new socket, rejoin, sync by state vector, send the offline edit
    jzClient = await enter('teacher.jianzhou', sessionId);
    jz.reattach(jzClient);
    const resync = await jz.sync();
    expect(resync.ok).toBe(true);
    expect(jz.text.toString()).toContain('补充意见8。');
    expect((await jz.flush()).every((a) => a.ok)).toBe(true);
    await eventually(() => dc.text.toString() === jz.text.toString());
    expect(dc.text.toString()).toContain('三、离线时写下的建议。');

    // compacted: fewer rows, and a fresh client (e.g. a third tab) that syncs from nothing gets the same text
    const after = await rows();
    expect(after).toBeLessThan(before);
    const fresh = new MinutesEditor(await enter('admin.jianzhou', sessionId), sessionId);
    await fresh.sync();
    expect(fresh.text.toString()).toBe(jz.text.toString());
    const again = new MinutesEditor(await enter('teacher.dongcheng', sessionId), sessionId);
    await again.sync();
    expect(again.text.toString()).toBe(jz.text.toString());

    // bad updates are refused with a code and never stored
    const stored = await rows();
    expect(await dcClient.request('minutes:update', { sessionId, update: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x01]) })).toMatchObject({ ok: false, error: { code: 'LIVE_MINUTES_UPDATE_INVALID' } });
    expect(await dcClient.request('minutes:update', { sessionId, update: 'not base64!' })).toMatchObject({ ok: false, error: { code: 'LIVE_MINUTES_UPDATE_INVALID' } });
    expect(await dcClient.request('minutes:update', { sessionId, update: Buffer.alloc(40 * 1024, 1) })).toMatchObject({ ok: false, error: { code: 'LIVE_MINUTES_UPDATE_TOO_LARGE' } });
    expect(await dcClient.request('minutes:sync', { sessionId, stateVector: { x: 1 } })).toMatchObject({ ok: false, error: { code: 'LIVE_MINUTES_UPDATE_INVALID' } });
    expect(await rows()).toBe(stored);
    // base64 is accepted as well as binary
    const b64 = new Y.Doc();
    Y.applyUpdate(b64, new Uint8Array((await dcClient.request('minutes:sync', { sessionId })).update));
    const late: Uint8Array[] = [];
    b64.on('update', (u: Uint8Array) => late.push(u));
    b64.getText('minutes').insert(0, '【会议纪要】');
    expect(await dcClient.request('minutes:update', { sessionId, update: Buffer.from(late[0]).toString('base64') })).toEqual({ ok: true });

    // the host locks the minutes; teachers cannot, and edits are then refused
    expect(await dcClient.request('minutes:lock', { sessionId })).toMatchObject({ ok: false, error: { code: 'LIVE_MODERATOR_ONLY' } });
    expect(await host.request('minutes:lock', { sessionId })).toMatchObject({ ok: true, locked: true, lockedByUserId: ids['admin.jianzhou'] });
    await dcClient.waitForEvent('minutes:locked', (e) => e.sessionId === sessionId && e.locked);
    dc.text.insert(0, 'x');
    expect(await dc.flush()).toEqual([{ ok: false, error: { code: 'LIVE_MINUTES_LOCKED', message: '纪要已锁定，不能再修改' } }]);
    expect((await dc.sync()).locked).toBe(true);
  });

  it('rubric (听课评课): observers score, one updatable scorecard each, everyone sees the aggregate', async () => {
    const sessionId = await schedule();
    const host = await enter('admin.jianzhou', sessionId);
    const jz = await enter('teacher.jianzhou', sessionId);
    const dc = await enter('teacher.dongcheng', sessionId);

    const state = await jz.request('collab:state', { sessionId });
    expect(state.rubric.criteria.map((c: any) => c.label)).toEqual(['教学目标', '教学内容', '教学方法与手段', '课堂互动', '教学效果', '教师素养']);
    expect(state.rubric).toMatchObject({ scale: { min: 1, max: 10 }, aggregate: { overall: null, scorecards: 0 }, mine: null });

    expect(await jz.request('rubric:score', { sessionId, scores: rubricCard(8, { effect: 11 }) })).toMatchObject({ ok: false, error: { code: 'LIVE_RUBRIC_SCORES_INVALID' } });
    expect(await jz.request('rubric:score', { sessionId, scores: { objectives: 8 } })).toMatchObject({ ok: false, error: { code: 'LIVE_RUBRIC_SCORES_INVALID' } });
    expect(await jz.request('rubric:score', { sessionId, scores: rubricCard(8), comment: 'x'.repeat(501) })).toMatchObject({ ok: false, error: { code: 'LIVE_RUBRIC_SCORES_INVALID' } });

    const first = await jz.request('rubric:score', { sessionId, scores: rubricCard(6), comment: '导入自然' });
    expect(first).toMatchObject({ ok: true, sessionId, aggregate: { scorecards: 1, overall: 60 }, mine: { scores: rubricCard(6), comment: '导入自然' } });
    await dc.request('rubric:score', { sessionId, scores: rubricCard(9, { objectives: 10 }) });
    // jianzhou changes their mind: still one scorecard each
    const updated = await jz.request('rubric:score', { sessionId, scores: rubricCard(8) });
    expect(updated.aggregate.scorecards).toBe(2);
    const byKey = Object.fromEntries(updated.aggregate.criteria.map((c: any) => [c.key, c]));
    expect(byKey.objectives).toEqual({ key: 'objectives', label: '教学目标', weight: 15, mean: 9, count: 2 });
    expect(byKey.content).toMatchObject({ mean: 8.5, count: 2 });
    // 15 x 0.9 + 85 x 0.85 = 13.5 + 72.25 = 85.75 -> 85.8
    expect(updated.aggregate.overall).toBe(85.8);
    const seen = await host.waitForEvent('rubric:update', (e) => e.sessionId === sessionId && e.aggregate.overall === 85.8);
    expect(seen.aggregate.scorecards).toBe(2);
    const outsider = await connect('outsider');
    expect(await outsider.request('rubric:score', { sessionId, scores: rubricCard(1) })).toMatchObject({ ok: false, error: { code: 'LIVE_NOT_JOINED' } });
  });

  it('the record after the session: JSON and .xlsx (纪要, 聊天记录, 投票结果, 评课汇总) for readers, refused to outsiders', async () => {
    const sessionId = await schedule();
    const host = await enter('admin.jianzhou', sessionId);
    const jzClient = await enter('teacher.jianzhou', sessionId);
    const dc = await enter('teacher.dongcheng', sessionId);

    const chat = await dc.request('chat:send', { sessionId, clientMsgId: randomUUID(), text: '=SUM(A1) 东城中学的听课意见' });
    expect(chat.ok).toBe(true);
    const minutes = new MinutesEditor(jzClient, sessionId);
    await minutes.sync();
    minutes.text.insert(0, '纪要：本次同课异构聚焦等差数列的概念生成。\n下一次活动在东城中学举行。');
    await minutes.flush();
    const poll = await host.request('poll:create', { sessionId, question: '是否推广该教学设计？', options: ['推广', '修改后推广'] });
    await dc.request('poll:vote', { pollId: poll.poll.id, optionIndex: 1 });
    await host.request('poll:close', { pollId: poll.poll.id });
    await dc.request('rubric:score', { sessionId, scores: rubricCard(9), comment: '设计精巧' });

    // the host ends the session; the record stays
    await t.http().post(`/api/v1/research-sessions/${sessionId}/end`).set(as('admin.jianzhou')).expect(200);

    const record = (await t.http().get(`/api/v1/research-sessions/${sessionId}/record`).set(as('teacher.dongcheng')).expect(200)).body;
    expect(record.session).toMatchObject({ id: sessionId, kind: 'same_lesson_different_designs', status: 'ended' });
    expect(record.minutes).toEqual({ text: '纪要：本次同课异构聚焦等差数列的概念生成。\n下一次活动在东城中学举行。', locked: false, lockedAt: null });
    expect(record.chat).toEqual([{ id: chat.id, userId: ids['teacher.dongcheng'], name: '杨丽', school: '旺苍东城中学', text: '=SUM(A1) 东城中学的听课意见', sentAt: expect.any(String) }]);
    expect(record.polls).toEqual([expect.objectContaining({ status: 'closed', tallies: [0, 1], totalVotes: 1 })]);
    expect(record.rubric.aggregate).toMatchObject({ overall: 90, scorecards: 1 });
    expect(record.rubric.scorecards).toEqual([expect.objectContaining({ userId: ids['teacher.dongcheng'], name: '杨丽', school: '旺苍东城中学', comment: '设计精巧' })]);

    const res = await t
      .http()
      .get(`/api/v1/research-sessions/${sessionId}/record.xlsx`)
      .set(as('admin.jianzhou'))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".*\.xlsx"; filename\*=UTF-8''.*%E6%B4%BB%E5%8A%A8%E8%AE%B0%E5%BD%95/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((s) => s.name).slice(0, 4)).toEqual(['纪要', '聊天记录', '投票结果', '评课汇总']);
    const values = (name: string) => {
      const rows: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    expect(values('纪要').flat()).toEqual(expect.arrayContaining(['纪要：本次同课异构聚焦等差数列的概念生成。', '下一次活动在东城中学举行。']));
    const chatRows = values('聊天记录');
    expect(chatRows[0]).toEqual(['时间（北京时间）', '姓名', '学校', '内容']);
    // shown in Beijing time; a formula-looking message is kept as text
    expect(chatRows[1]).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), '杨丽', '旺苍东城中学', "'=SUM(A1) 东城中学的听课意见"]);
    expect(values('投票结果').slice(1)).toEqual([
      ['是否推广该教学设计？', '已结束', '推广', 0, 0, 1],
      ['是否推广该教学设计？', '已结束', '修改后推广', 1, 1, 1],
    ]);
    const rubric = values('评课汇总');
    expect(rubric[1]).toEqual(['教学目标', 15, 9, 1]);
    expect(rubric[7]).toEqual(['综合得分（百分制）', 100, 90, 1]);
    expect(rubric.find((r) => r[0] === '杨丽')).toEqual(['杨丽', '旺苍东城中学', 9, 9, 9, 9, 9, 9, '设计精巧']);

    // readers only: a teacher of an uninvited school cannot read the record; a bad id is a 400
    // (an unreadable session answers as an unknown one, so ids cannot be probed)
    for (const path of ['record.xlsx', 'record']) {
      const refused = await t.http().get(`/api/v1/research-sessions/${sessionId}/${path}`).set(as('outsider'));
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe('RESEARCH_SESSION_NOT_FOUND');
    }
    // the county coordinator of the host's county reads it
    const county = await t.login('county.jiange');
    expect((await t.http().get(`/api/v1/research-sessions/${sessionId}/record`).set({ Authorization: `Bearer ${county}` })).status).toBe(200);
    expect((await t.http().get('/api/v1/research-sessions/not-a-uuid/record').set(as('teacher.dongcheng'))).status).toBe(400);
    expect((await t.http().get(`/api/v1/research-sessions/${randomUUID()}/record`).set(as('teacher.dongcheng'))).status).toBe(404);
    expect((await t.http().get(`/api/v1/research-sessions/${sessionId}/record`)).status).toBe(401);
  });
});

/**
 * The collaboration state lives in the database and every change goes out through the namespace, so clients on
 * two api instances (redis adapter, as in a scaled-out deployment) share one queue, one poll and one document.
 */
describe('research live room collaboration across two api instances (redis adapter)', () => {
  let a: TestApp;
  let b: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const orgs: Record<string, string> = {};
  const clients: LiveTestClient[] = [];
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const enter = async (who: string, on: TestApp, sessionId: string) => {
    const client = await LiveTestClient.connect(on.url, { token: tokens[who] });
    clients.push(client);
    const joined = await client.request('session:join', { sessionId });
    if (!joined.ok) throw new Error(`${who} could not join: ${JSON.stringify(joined)}`);
    return client;
  };

  beforeAll(async () => {
    a = await createTestApp({ LIVE_FANOUT: 'redis' });
    b = await createTestApp({ LIVE_FANOUT: 'redis', DATA_DIR: a.config.DATA_DIR, QUEUE_PREFIX: a.config.QUEUE_PREFIX, ...(a.config.DATABASE_URL ? { DATABASE_URL: a.config.DATABASE_URL } : {}) });
    for (const who of ['admin.jianzhou', 'teacher.jianzhou', 'teacher.dongcheng']) {
      ({ token: tokens[who], id: ids[who], organizationId: orgs[who] } = await a.signIn(who));
    }
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('hands, poll tallies and minutes cross between instances', async () => {
    const now = Date.now();
    const sessionId = (
      await a
        .http()
        .post('/api/v1/research-sessions')
        .set(as('admin.jianzhou'))
        .send({
          kind: 'demo_lesson',
          title: `示范课（双实例）${unique()}`,
          hostOrganizationId: orgs['admin.jianzhou'],
          invitedOrganizationIds: [orgs['teacher.dongcheng']],
          startsAt: new Date(now - 1000).toISOString(),
          endsAt: new Date(now + 3600_000).toISOString(),
          creditHours: 1,
        })
        .expect(201)
    ).body.id as string;
    const host = await enter('admin.jianzhou', a, sessionId);
    const jzOnA = await enter('teacher.jianzhou', a, sessionId);
    const dcOnB = await enter('teacher.dongcheng', b, sessionId);

    // one queue: a hand raised on B, then one on A, in that order for everyone
    await dcOnB.request('hand:raise', { sessionId });
    const both = await jzOnA.request('hand:raise', { sessionId });
    expect(both.queue.map((h: any) => h.userId)).toEqual([ids['teacher.dongcheng'], ids['teacher.jianzhou']]);
    await host.waitForEvent('hand:queue', (e) => e.queue.length === 2);
    await host.request('hand:give', { sessionId, userId: ids['teacher.dongcheng'] });
    await dcOnB.waitForEvent('hand:queue', (e) => e.speaker?.userId === ids['teacher.dongcheng']);

    // one poll: created on A, voted on B, tallies seen on A; the vote is still one per person via B
    const poll = await host.request('poll:create', { sessionId, question: '是否同意该教学设计？', options: ['同意', '不同意'] });
    await dcOnB.waitForEvent('poll:update', (e) => e.poll.id === poll.poll.id);
    expect((await dcOnB.request('poll:vote', { pollId: poll.poll.id, optionIndex: 0 })).ok).toBe(true);
    await jzOnA.waitForEvent('poll:update', (e) => e.poll.id === poll.poll.id && e.totalVotes === 1);
    expect(await dcOnB.request('poll:vote', { pollId: poll.poll.id, optionIndex: 1 })).toMatchObject({ ok: false, error: { code: 'LIVE_POLL_ALREADY_VOTED' } });

    // one document: edits on either instance reach the other, and a sync on B sees A's stored edit
    const jz = new MinutesEditor(jzOnA, sessionId);
    const dc = new MinutesEditor(dcOnB, sessionId);
    await Promise.all([jz.sync(), dc.sync()]);
    jz.text.insert(0, '实例 A 的纪要。');
    dc.text.insert(0, '实例 B 的纪要。');
    await Promise.all([jz.flush(), dc.flush()]);
    await eventually(() => jz.text.toString() === dc.text.toString() && jz.text.length > 8);
    const late = new MinutesEditor(await enter('admin.jianzhou', b, sessionId), sessionId);
    await late.sync();
    expect(late.text.toString()).toBe(jz.text.toString());
  });
});
