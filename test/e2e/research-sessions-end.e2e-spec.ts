import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { JobQueue } from '@app/queue';
import { ResearchSessionsService } from '@app/domain/research/sessions/research-sessions.service';
import { SessionReminders } from '@app/domain/research/sessions/session-reminders.service';
import { autoEndJobId } from '@app/domain/research/sessions/research-session-rules';
import { AttendanceInterval } from '@app/domain/research/training/attendance-interval.entity';
import { TrainingRecord } from '@app/domain/research/training/training-record.entity';
import { createTestApp, TestApp } from '../utils/create-app';
import { LiveTestClient, sleep } from '../utils/live-client';

const BASE = '/api/v1/research-sessions';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** LIVE_FANOUT=redis in the environment runs the api on the redis adapter (the real-services pass). */
const fanoutEnv = (): Record<string, string> => (process.env.LIVE_FANOUT === 'redis' ? { LIVE_FANOUT: 'redis' } : {});

/**
 * Sessions that end by themselves (a delayed job a grace period after the scheduled end) and in-person attendance
 * recorded by a moderator's roll call. The app runs with a grace of 0 minutes, so a session scheduled to end a few
 * seconds from now ends a few seconds from now. Specs may share one database (CI's MariaDB pass): every session
 * here is new, far-future ones sit at a random minute, and nothing asserts global counts.
 */
describe('research sessions: automatic end and roll call', () => {
  let t: TestApp;
  let db: DataSource;
  let queue: JobQueue;
  const sfx = randomBytes(3).toString('hex');
  const tokens: Record<string, string> = {};
  const uid: Record<string, string> = {};
  const org: Record<string, string> = {};
  const clients: LiveTestClient[] = [];
  const created: string[] = [];
  const far = Date.UTC(2031, 0, 1, 1, 0) + randomInt(0, 4 * 365) * DAY + randomInt(0, 40) * 5 * MIN;
  const iso = (ms: number) => new Date(ms).toISOString();

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, path: string) => t.http().get(path).set(as(who));
  const post = (who: string, path: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const code = (r: { body: { error?: { code?: string } } }) => r.body.error?.code;

  /** admin.jianzhou schedules a session of 剑州中学 inviting 旺苍东城中学 (threshold rule, 2 h). */
  async function schedule(startsAt: number, endsAt: number, over: Record<string, unknown> = {}): Promise<string> {
    const r = await post('admin.jianzhou', BASE, {
      kind: 'training_to_school',
      title: `送培到校（自动结束）-${sfx}-${randomBytes(2).toString('hex')}`,
      subject: '语文',
      hostOrganizationId: org.jianzhou,
      invitedOrganizationIds: [org.dongcheng],
      invitedUserIds: [],
      startsAt: iso(startsAt),
      endsAt: iso(endsAt),
      online: false,
      venue: '剑州中学阶梯教室',
      trainingLevel: 'county',
      creditHours: 2,
      creditRule: 'threshold',
      minAttendancePercent: 50,
      ...over,
    });
    if (r.status !== 201) throw new Error(`create session: ${r.status} ${JSON.stringify(r.body)}`);
    created.push(r.body.id);
    return r.body.id;
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  const sessionOf = async (id: string) => (await get('admin.jianzhou', `${BASE}/${id}`).expect(200)).body;
  const attendanceOf = async (id: string) => (await get('admin.jianzhou', `${BASE}/${id}/attendance`).expect(200)).body;
  const recordOf = async (who: string, sessionId: string, year: number) => {
    const r = await get(who, `/api/v1/users/${uid[who]}/training`).query({ year }).expect(200);
    return (r.body.records as { sessionId: string | null; hours: number; level: string }[]).find((x) => x.sessionId === sessionId);
  };
  const shanghaiYear = (ms: number) => Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(ms));

  beforeAll(async () => {
    t = await createTestApp({ RESEARCH_AUTO_END_GRACE_MINUTES: '0', ...fanoutEnv() });
    db = t.app.get(DataSource);
    queue = t.app.get(JobQueue);
    for (const who of ['admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng', 'mentor.liemian']) {
      tokens[who] = await t.login(who);
      const me = (await get(who, '/api/v1/me').expect(200)).body;
      uid[who] = me.id;
      org[who] = me.organization.id;
    }
    org.jianzhou = org['admin.jianzhou'];
    org.dongcheng = org['admin.dongcheng'];
  }, 120_000);

  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  afterAll(async () => {
    if (db && created.length) {
      // Close what is still open (so later app starts on a shared database do not plan jobs for it) and remove
      // this spec's session records so repeated runs do not push the demo teachers over the yearly target.
      for (const id of created) await post('admin.jianzhou', `${BASE}/${id}/cancel`, { reason: '测试结束' });
      await db.getRepository(TrainingRecord).delete({ sessionId: In(created) });
    }
    await t?.close();
  });

  it('ends a session the host forgot: at the scheduled end, crediting the socket attendee and the roll-called teacher', async () => {
    // Began a second ago, ends in 6 s; teacher.dongcheng joins online at once (over 50 % of the 7 s), teacher.jianzhou
    // sat in the lecture hall and is on the roll call, admin.dongcheng was invited but never came.
    const start = Date.now() - 1000;
    const end = start + 7000;
    const id = await schedule(start, end);
    expect((await queue.getJob(autoEndJobId(id, new Date(end))))?.state).toMatch(/^(delayed|waiting)$/);

    const online = await LiveTestClient.connect(t.url, { token: tokens['teacher.dongcheng'] });
    clients.push(online);
    expect(await online.request('session:join', { sessionId: id })).toMatchObject({ ok: true, session: { status: 'live' } });

    const roll = await post('admin.jianzhou', `${BASE}/${id}/attendance/roll-call`, { entries: [{ userId: uid['teacher.jianzhou'] }] }).expect(200);
    const rolled = roll.body.people.find((p: { userId: string }) => p.userId === uid['teacher.jianzhou']);
    expect(rolled).toMatchObject({ intervals: [{ joinedAt: iso(start), leftAt: iso(end) }], finalised: false });

    // Nobody ends it: the job does, and tells the room why. The socket is still connected when it runs.
    const ended = await online.waitForEvent('session:ended', (p) => p.sessionId === id, 20_000);
    expect(ended).toEqual({ sessionId: id, endedAt: iso(end), reason: 'auto' });
    const s = await sessionOf(id);
    expect(s).toMatchObject({ status: 'ended', endedAt: iso(end) });
    expect((await queue.getJob(autoEndJobId(id, new Date(end))))?.state ?? 'removed').toMatch(/^(completed|removed)$/);

    // Finalised: the open interval closed at the scheduled end (not when the job ran), both credited in full.
    const summary = await attendanceOf(id);
    expect(summary.finalised).toBe(true);
    const dc = summary.people.find((p: { userId: string }) => p.userId === uid['teacher.dongcheng']);
    expect(dc.intervals).toHaveLength(1);
    expect(dc.intervals[0].leftAt).toBe(iso(end));
    expect(dc).toMatchObject({ creditedHours: 2, finalised: true });
    expect(summary.people.find((p: { userId: string }) => p.userId === uid['teacher.jianzhou'])).toMatchObject({ creditedHours: 2, finalised: true });
    expect(summary.people.some((p: { userId: string }) => p.userId === uid['admin.dongcheng'])).toBe(false);

    const year = shanghaiYear(start);
    expect(await recordOf('teacher.dongcheng', id, year)).toMatchObject({ hours: 2, level: 'county' });
    expect(await recordOf('teacher.jianzhou', id, year)).toMatchObject({ hours: 2, level: 'county' });
    expect(await recordOf('admin.dongcheng', id, year)).toBeUndefined();

    // The room is closed; the job running again (a retry, a duplicate) changes nothing.
    expect((await online.request('session:join', { sessionId: id })).error?.code).toBe('RESEARCH_SESSION_ENDED');
    expect(await t.app.get(ResearchSessionsService).autoEnd(id, iso(end))).toBe(false);
    expect((await sessionOf(id)).endedAt).toBe(iso(end));
    expect(await db.getRepository(TrainingRecord).count({ where: { sessionId: id } })).toBe(2);
  }, 60_000);

  it('ends at once a session whose end went by unnoticed, crediting nobody; a late roll call then credits by the same rule', async () => {
    // Held 90 to 30 minutes ago (e.g. entered afterwards, or while no process ran jobs): ended as soon as planned.
    const start = Date.now() - 90 * MIN;
    const end = start + 60 * MIN;
    const id = await schedule(start, end);
    const s = await waitFor('the automatic end', async () => {
      const x = await sessionOf(id);
      return x.status === 'ended' && x;
    });
    expect(s.endedAt).toBe(iso(end));
    expect(await attendanceOf(id)).toMatchObject({ finalised: true, people: [] });
    expect(await db.getRepository(TrainingRecord).count({ where: { sessionId: id } })).toBe(0);

    // The paper register comes in afterwards: 45 of 60 minutes is 75 %, above the 50 % threshold; 20 minutes is not.
    const entries = [
      { userId: uid['teacher.jianzhou'], joinedAt: iso(start + 15 * MIN) },
      { userId: uid['teacher.dongcheng'], joinedAt: iso(start), leftAt: iso(start + 20 * MIN) },
    ];
    const r = await post('admin.jianzhou', `${BASE}/${id}/attendance/roll-call`, { entries }).expect(200);
    expect(r.body.finalised).toBe(true);
    const person = (userId: string) => r.body.people.find((p: { userId: string }) => p.userId === userId);
    expect(person(uid['teacher.jianzhou'])).toMatchObject({ attendedMinutes: 45, creditedHours: 2, finalised: true });
    expect(person(uid['teacher.dongcheng'])).toMatchObject({ attendedMinutes: 20, creditedHours: 0, finalised: true });
    expect(await recordOf('teacher.jianzhou', id, shanghaiYear(start))).toMatchObject({ hours: 2 });

    // The same register again adds nothing.
    await post('admin.jianzhou', `${BASE}/${id}/attendance/roll-call`, { entries }).expect(200);
    expect(await db.getRepository(AttendanceInterval).count({ where: { sessionId: id } })).toBe(2);
    expect(await db.getRepository(TrainingRecord).count({ where: { sessionId: id } })).toBe(2);

    // After the end the window is [start, endedAt]: time past it is refused.
    const late = await post('admin.jianzhou', `${BASE}/${id}/attendance/roll-call`, { entries: [{ userId: uid['teacher.jianzhou'], joinedAt: iso(end - MIN), leftAt: iso(end + MIN) }] }).expect(422);
    expect(code(late)).toBe('RESEARCH_SESSION_ROLL_CALL_INVALID');
  }, 60_000);

  it('moves the automatic end with a reschedule, re-plans it at start-up, ignores a stale job, and drops it on cancel', async () => {
    const start = far;
    const end = far + 2 * HOUR;
    const id = await schedule(start, end);
    const first = await queue.getJob(autoEndJobId(id, new Date(end)));
    expect(first).toMatchObject({ state: 'delayed', data: { sessionId: id, endsAt: iso(end) } });
    // Grace 0: due at the scheduled end.
    expect(Math.abs(first!.runAt!.getTime() - end)).toBeLessThan(2000);

    // Moving only the start keeps the same automatic end.
    await t.http().patch(`${BASE}/${id}`).set(as('admin.jianzhou')).send({ startsAt: iso(start + 30 * MIN) }).expect(200);
    expect((await queue.getJob(autoEndJobId(id, new Date(end))))?.createdAt).toEqual(first!.createdAt);

    // Moving the end replaces it.
    const moved = end + DAY;
    await t.http().patch(`${BASE}/${id}`).set(as('admin.jianzhou')).send({ startsAt: iso(start + DAY), endsAt: iso(moved) }).expect(200);
    expect(await queue.getJob(autoEndJobId(id, new Date(end)))).toBeNull();
    const next = await queue.getJob(autoEndJobId(id, new Date(moved)));
    expect(next).toMatchObject({ state: 'delayed', data: { sessionId: id, endsAt: iso(moved) } });
    expect(Math.abs(next!.runAt!.getTime() - moved)).toBeLessThan(2000);

    // A job planned for the old end (had removal failed) does nothing.
    expect(await t.app.get(ResearchSessionsService).autoEnd(id, iso(end))).toBe(false);
    expect((await sessionOf(id)).status).toBe('scheduled');

    // What the memory driver needs after a restart; with the job there it adds nothing.
    await queue.remove(autoEndJobId(id, new Date(moved)));
    await t.app.get(SessionReminders).onApplicationBootstrap();
    const again = await queue.getJob(autoEndJobId(id, new Date(moved)));
    expect(again).toMatchObject({ state: 'delayed', data: { sessionId: id, endsAt: iso(moved) } });
    await t.app.get(SessionReminders).onApplicationBootstrap();
    expect((await queue.getJob(autoEndJobId(id, new Date(moved))))?.createdAt).toEqual(again!.createdAt);

    await post('admin.jianzhou', `${BASE}/${id}/cancel`, { reason: '改期另行通知' }).expect(200);
    expect(await queue.getJob(autoEndJobId(id, new Date(moved)))).toBeNull();
    // A job that ran anyway (removal is best effort) leaves the cancelled session alone.
    expect(await t.app.get(ResearchSessionsService).autoEnd(id, iso(moved))).toBe(false);
    expect((await sessionOf(id)).status).toBe('cancelled');
  }, 60_000);

  it('drops the automatic end when the host ends the session, whose end time stays the real one', async () => {
    const start = Date.now() - MIN;
    const end = start + 2 * HOUR;
    const id = await schedule(start, end);
    expect((await queue.getJob(autoEndJobId(id, new Date(end))))?.state).toBe('delayed');
    const before = Date.now();
    await post('admin.jianzhou', `${BASE}/${id}/end`).expect(200);
    expect(await queue.getJob(autoEndJobId(id, new Date(end)))).toBeNull();
    const s = await sessionOf(id);
    expect(s.status).toBe('ended');
    expect(Date.parse(s.endedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(s.endedAt)).toBeLessThan(end);
    expect(await t.app.get(ResearchSessionsService).autoEnd(id, iso(end))).toBe(false);
    expect((await sessionOf(id)).endedAt).toBe(s.endedAt);
  });

  describe('roll call access and input', () => {
    let id = '';
    const rollCall = (who: string, body: object, sessionId = id) => post(who, `${BASE}/${sessionId}/attendance/roll-call`, body);

    beforeAll(async () => {
      id = await schedule(Date.now() - 10 * MIN, Date.now() + HOUR);
    });

    it('lets the host school admin record a teacher of the invited school while the session runs; the end credits it', async () => {
      // Ended by hand 10 minutes into 70: the roll call's default (the whole window) is clipped to the real end,
      // 10 of 70 minutes, which is 14 %: above this session's 10 % threshold, so the full 2 h.
      const running = await schedule(Date.now() - 10 * MIN, Date.now() + HOUR, { minAttendancePercent: 10 });
      const r = await rollCall('admin.jianzhou', { entries: [{ userId: uid['teacher.dongcheng'] }] }, running).expect(200);
      expect(r.body.people.find((p: { userId: string }) => p.userId === uid['teacher.dongcheng'])).toMatchObject({ schoolName: '旺苍东城中学', finalised: false });
      await post('admin.jianzhou', `${BASE}/${running}/end`).expect(200);
      const summary = await attendanceOf(running);
      expect(summary.people.find((p: { userId: string }) => p.userId === uid['teacher.dongcheng'])).toMatchObject({ attendedMinutes: 10, creditedHours: 2, finalised: true });
      expect(await recordOf('teacher.dongcheng', running, shanghaiYear(Date.now() - 10 * MIN))).toMatchObject({ hours: 2 });
    });

    it('refuses outsiders (404), invitees and host teachers who do not moderate (403), and anonymous callers (401)', async () => {
      const own = await schedule(Date.now() - 10 * MIN, Date.now() + HOUR, { invitedOrganizationIds: [] });
      // teacher.dongcheng's school is not invited to this one: the session does not exist for them.
      const outsider = await rollCall('teacher.dongcheng', { entries: [{ userId: uid['teacher.dongcheng'] }] }, own).expect(404);
      expect(code(outsider)).toBe('RESEARCH_SESSION_NOT_FOUND');
      expect(code(await rollCall('mentor.liemian', { entries: [{ userId: uid['teacher.jianzhou'] }] }, own).expect(404))).toBe('RESEARCH_SESSION_NOT_FOUND');
      for (const who of ['teacher.dongcheng', 'admin.dongcheng', 'teacher.jianzhou']) {
        const r = await rollCall(who, { entries: [{ userId: uid[who] }] });
        expect([who, r.status, code(r)]).toEqual([who, 403, 'RESEARCH_SESSION_ACCESS_DENIED']);
      }
      const anon = await t.http().post(`${BASE}/${id}/attendance/roll-call`).send({ entries: [{ userId: uid['teacher.jianzhou'] }] });
      expect([anon.status, code(anon)]).toEqual([401, 'AUTH_REQUIRED']);
      // Nothing was written by the refused calls.
      expect(await db.getRepository(AttendanceInterval).count({ where: { sessionId: In([id, own]) } })).toBe(0);
    });

    it('lists only invitees and staff of the host or invited schools', async () => {
      const unknown = randomUUID();
      const r = await rollCall('admin.jianzhou', { entries: [{ userId: uid['teacher.jianzhou'] }, { userId: uid['mentor.liemian'] }, { userId: unknown }] }).expect(422);
      expect(code(r)).toBe('RESEARCH_SESSION_ROLL_CALL_NOT_INVITED');
      expect(r.body.error.details.userIds.sort()).toEqual([uid['mentor.liemian'], unknown].sort());
      expect(await db.getRepository(AttendanceInterval).count({ where: { sessionId: id } })).toBe(0);
    });

    it('rejects bad input with a stable code, never a 500', async () => {
      const bad = async (body: unknown, status: number, errorCode: string, sessionId = id) => {
        const r = await post('admin.jianzhou', `${BASE}/${sessionId}/attendance/roll-call`, body as object);
        expect([JSON.stringify(body), r.status, code(r)]).toEqual([JSON.stringify(body), status, errorCode]);
      };
      const me = uid['teacher.jianzhou'];
      await bad({}, 400, 'VALIDATION_FAILED');
      await bad({ entries: [] }, 400, 'VALIDATION_FAILED');
      await bad({ entries: 'all' }, 400, 'VALIDATION_FAILED');
      await bad({ entries: [{}] }, 400, 'VALIDATION_FAILED');
      await bad({ entries: [{ userId: 'not-a-uuid' }] }, 400, 'VALIDATION_FAILED');
      await bad({ entries: [{ userId: me, joinedAt: '2026-11-30 09:00' }] }, 400, 'VALIDATION_FAILED');
      await bad({ entries: [{ userId: me, leftAt: 12 }] }, 400, 'VALIDATION_FAILED');
      await bad({ entries: Array.from({ length: 501 }, () => ({ userId: me })) }, 400, 'VALIDATION_FAILED');
      await bad({ entries: [{ userId: me }] }, 400, 'VALIDATION_FAILED', 'not-a-uuid');
      await bad({ entries: [{ userId: me }] }, 404, 'RESEARCH_SESSION_NOT_FOUND', randomUUID());
      // Empty, reversed, or outside the scheduled window.
      const s = await sessionOf(id);
      const start = Date.parse(s.startsAt);
      await bad({ entries: [{ userId: me, joinedAt: iso(start + MIN), leftAt: iso(start + MIN) }] }, 422, 'RESEARCH_SESSION_ROLL_CALL_INVALID');
      await bad({ entries: [{ userId: me, joinedAt: iso(start + 2 * MIN), leftAt: iso(start + MIN) }] }, 422, 'RESEARCH_SESSION_ROLL_CALL_INVALID');
      await bad({ entries: [{ userId: me, joinedAt: iso(start - MIN) }] }, 422, 'RESEARCH_SESSION_ROLL_CALL_INVALID');
      await bad({ entries: [{ userId: me, leftAt: iso(Date.parse(s.endsAt) + MIN) }] }, 422, 'RESEARCH_SESSION_ROLL_CALL_INVALID');
      expect(await db.getRepository(AttendanceInterval).count({ where: { sessionId: id } })).toBe(0);

      // Before the start nobody can have attended; a cancelled session has no attendance.
      const future = await schedule(far + 10 * DAY, far + 10 * DAY + HOUR);
      await bad({ entries: [{ userId: me }] }, 409, 'RESEARCH_SESSION_NOT_STARTED', future);
      await post('admin.jianzhou', `${BASE}/${future}/cancel`, {}).expect(200);
      await bad({ entries: [{ userId: me }] }, 409, 'RESEARCH_SESSION_CANCELLED', future);
    });
  });
});
