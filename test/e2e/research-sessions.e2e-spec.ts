import { randomBytes, randomInt } from 'node:crypto';
import ICAL from 'ical.js';
import { JobQueue } from '@app/queue';
import { SessionReminders } from '@app/domain/research/sessions/session-reminders.service';
import { reminderJobId } from '@app/domain/research/sessions/research-session-rules';
import { createTestApp, TestApp } from '../utils/create-app';

const BASE = '/api/v1/research-sessions';
const LIEMIAN = '广安烈面中学 → 剑州中学（组团式帮扶）';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Research sessions through the HTTP API as the demo users. Specs may share one database (CI's MariaDB pass), so
 * every session here has a unique title and a time far in the future picked at random (whole minutes), and clash
 * assertions look only for the sessions this spec made.
 */
describe('research sessions', () => {
  let t: TestApp;
  const sfx = randomBytes(3).toString('hex');
  const tokens: Record<string, string> = {};
  const org: Record<string, string> = {};
  const uid: Record<string, string> = {};
  let liemianId = '';
  // A random minute in 2030..2035, so runs sharing a database rarely meet; sessions of this spec are placed around it.
  const base = Date.UTC(2030, 0, 1, 1, 0) + randomInt(0, 5 * 365) * DAY + randomInt(0, 40) * 5 * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, path: string) => t.http().get(path).set(as(who));
  const post = (who: string, path: string, body: object = {}) => t.http().post(path).set(as(who)).send(body);
  const patch = (who: string, path: string, body: object) => t.http().patch(path).set(as(who)).send(body);
  const code = (r: { body: { error?: { code?: string } } }) => r.body.error?.code;
  /** Sessions this spec leaves scheduled are cancelled at the end, so later app starts do not re-plan their reminders. */
  const created: { id: string; by: string }[] = [];

  async function orgId(name: string): Promise<string> {
    const r = await get('city.admin', '/api/v1/organizations').query({ q: name, limit: 100 }).expect(200);
    const hit = r.body.items.find((o: { name: string }) => o.name === name);
    if (!hit) throw new Error(`organization ${name} not found`);
    return hit.id;
  }

  async function notificationsOf(who: string, type: string, sessionId: string): Promise<{ title: string; body: string }[]> {
    const r = await get(who, '/api/v1/notifications').query({ limit: 100 }).expect(200);
    return r.body.items.filter((n: { type: string; link: { kind: string; id: string } | null }) => n.type === type && n.link?.kind === 'research_session' && n.link.id === sessionId);
  }

  const joint = (over: Record<string, unknown> = {}) => ({
    kind: 'joint_research',
    title: `高一数学联合教研-${sfx}`,
    subject: '数学',
    hostOrganizationId: org.jianzhou,
    invitedOrganizationIds: [org.dongcheng],
    invitedUserIds: [],
    startsAt: iso(base),
    endsAt: iso(base + 2 * HOUR),
    venue: '剑州中学录播教室',
    online: true,
    trainingLevel: 'county',
    creditHours: 3,
    agenda: [{ title: '同课异构：函数的概念', minutes: 40, presenterUserId: uid['teacher.jianzhou'] }, { title: '评课研讨', minutes: 60 }],
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    for (const who of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng', 'mentor.liemian']) {
      tokens[who] = await t.login(who);
      uid[who] = (await get(who, '/api/v1/me').expect(200)).body.id;
    }
    org.jianzhou = await orgId('剑州中学');
    org.dongcheng = await orgId('旺苍东城中学');
    org.liemian = await orgId('广安烈面中学');
    const ps = await get('city.admin', '/api/v1/partnerships').query({ limit: 100 }).expect(200);
    liemianId = ps.body.items.find((p: { name: string }) => p.name === LIEMIAN).id;
  }, 120_000);

  afterAll(async () => {
    for (const c of created) await post(c.by, `${BASE}/${c.id}/cancel`, { reason: '测试结束' });
    await t?.close();
  });

  /** POST a session and remember it for the clean-up. */
  async function schedule(who: string, body: object): Promise<{ body: any }> {
    const r = await post(who, BASE, body).expect(201);
    created.push({ id: r.body.id, by: who });
    return r;
  }

  /** A school-only resource of 剑州中学, published (school visibility needs no review). */
  async function schoolOnlyResource(title: string): Promise<string> {
    const r = await post('teacher.jianzhou', '/api/v1/resources', { title, description: `教研活动测试 ${sfx}`, type: 'lesson_plan', subject: '数学', grade: '高一', tags: ['教研'], visibility: 'school' }).expect(201);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(512), Buffer.from('\n%%EOF\n')]);
    const upload = await t.http().post(`/api/v1/resources/${r.body.id}/content`).set(as('teacher.jianzhou')).attach('file', pdf, { filename: `${title}.pdf`, contentType: 'application/pdf' });
    expect(upload.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      if ((await get('teacher.jianzhou', `/api/v1/resources/${r.body.id}`).expect(200)).body.status === 'published') return r.body.id;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('resource not published');
  }

  describe('scheduling a joint session between 剑州中学 and 旺苍东城中学', () => {
    let id = '';

    it('lets teacher.jianzhou schedule it, shown in UTC and Asia/Shanghai', async () => {
      const r = await post('teacher.jianzhou', BASE, joint()).expect(201);
      id = r.body.id;
      expect(r.body).toMatchObject({
        kind: 'joint_research',
        status: 'scheduled',
        hostOrganizationId: org.jianzhou,
        startsAt: iso(base),
        endsAt: iso(base + 2 * HOUR),
        timeZone: 'Asia/Shanghai',
        creditHours: 3,
        creditRule: 'threshold',
        minAttendancePercent: 75,
        canModerate: true,
        myRsvp: null,
        rsvpCounts: { accept: 0, decline: 0, tentative: 0 },
      });
      // Shanghai is UTC+8: the local rendering is eight hours ahead of the stored UTC time.
      const local = new Date(base + 8 * HOUR).toISOString();
      expect(r.body.startsAtLocal).toBe(`${local.slice(0, 10)} ${local.slice(11, 16)}`);
      expect(r.body.invitations).toEqual([expect.objectContaining({ type: 'organization', id: org.dongcheng, name: '旺苍东城中学', role: 'participant' })]);
    });

    it('shows it to teacher.dongcheng, who RSVPs and may change the answer', async () => {
      const list = await get('teacher.dongcheng', BASE).query({ from: iso(base - DAY), to: iso(base + DAY) }).expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).toContain(id);
      const seen = await get('teacher.dongcheng', `${BASE}/${id}`).expect(200);
      expect(seen.body).toMatchObject({ id, canModerate: false, hostOrganizationName: '剑州中学' });

      let r = await post('teacher.dongcheng', `${BASE}/${id}/rsvp`, { response: 'tentative' }).expect(200);
      expect(r.body.myRsvp).toBe('tentative');
      r = await post('teacher.dongcheng', `${BASE}/${id}/rsvp`, { response: 'accept' }).expect(200);
      expect(r.body).toMatchObject({ myRsvp: 'accept', rsvpCounts: { accept: 1, decline: 0, tentative: 0 } });
      r = await post('admin.dongcheng', `${BASE}/${id}/rsvp`, { response: 'decline' }).expect(200);
      expect(r.body.rsvpCounts).toEqual({ accept: 1, decline: 1, tentative: 0 });
      // teacher.dongcheng's own view still shows their answer.
      expect((await get('teacher.dongcheng', `${BASE}/${id}`).expect(200)).body.myRsvp).toBe('accept');
      expect(code(await post('teacher.dongcheng', `${BASE}/${id}/rsvp`, { response: 'maybe' }).expect(400))).toBe('VALIDATION_FAILED');
    });

    it('refuses a school that was not invited, in the list and by id', async () => {
      const other = await schedule('admin.jianzhou', joint({ title: `剑州中学校内教研-${sfx}`, invitedOrganizationIds: [], startsAt: iso(base + 3 * DAY), endsAt: iso(base + 3 * DAY + HOUR) }));
      const r = await get('teacher.dongcheng', `${BASE}/${other.body.id}`);
      expect([403, 404]).toContain(r.status);
      expect(code(r)).toBe('RESEARCH_SESSION_NOT_FOUND');
      expect(code(await post('teacher.dongcheng', `${BASE}/${other.body.id}/rsvp`, { response: 'accept' }).expect(404))).toBe('RESEARCH_SESSION_NOT_FOUND');
      const list = await get('teacher.dongcheng', BASE).query({ from: iso(base + 2 * DAY), to: iso(base + 4 * DAY) }).expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(other.body.id);
      // The host's own staff and its county see it; another county does not moderate it.
      expect((await get('county.jiange', `${BASE}/${other.body.id}`).expect(200)).body.canModerate).toBe(true);
      // Neither may an invitee moderate.
      expect(code(await post('teacher.dongcheng', `${BASE}/${id}/cancel`, { reason: '试试' }).expect(403))).toBe('RESEARCH_SESSION_ACCESS_DENIED');
      expect(code(await patch('admin.dongcheng', `${BASE}/${id}`, { title: '改名' }).expect(403))).toBe('RESEARCH_SESSION_ACCESS_DENIED');
    });

    it('flags (but allows) a clash with the host and with a presenter', async () => {
      const sameHost = await schedule('admin.jianzhou', joint({ title: `同时段另一活动-${sfx}`, startsAt: iso(base + HOUR), endsAt: iso(base + 3 * HOUR), agenda: [] }));
      expect(sameHost.body.clashes).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'host', sessionId: id, startsAt: iso(base), endsAt: iso(base + 2 * HOUR) })]));
      // 旺苍东城中学 hosts at an overlapping time with teacher.jianzhou (a presenter of the first session) presenting.
      const presenter = await schedule('admin.dongcheng', {
        ...joint({ title: `东城示范课-${sfx}`, hostOrganizationId: org.dongcheng, invitedOrganizationIds: [], agenda: [] }),
        kind: 'demo_lesson',
        invitedUsers: [{ userId: uid['teacher.jianzhou'], role: 'presenter' }],
        startsAt: iso(base + 30 * 60_000),
        endsAt: iso(base + 90 * 60_000),
      });
      expect(presenter.body.clashes).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'presenter', sessionId: id, userId: uid['teacher.jianzhou'] })]));
      expect(presenter.body.clashes.some((c: { sessionId: string; type: string }) => c.sessionId === id && c.type === 'host')).toBe(false);
      // Reading the first session now flags both.
      const first = await get('teacher.jianzhou', `${BASE}/${id}`).expect(200);
      const mine = first.body.clashes.filter((c: { sessionId: string }) => [sameHost.body.id, presenter.body.id].includes(c.sessionId));
      expect(mine.map((c: { type: string; sessionId: string }) => [c.type, c.sessionId]).sort()).toEqual(
        [
          ['host', sameHost.body.id],
          ['presenter', presenter.body.id],
        ].sort(),
      );
      // A session right after (touching, not overlapping) is no clash.
      const after = await schedule('admin.jianzhou', joint({ title: `紧接着的活动-${sfx}`, startsAt: iso(base + 3 * HOUR), endsAt: iso(base + 4 * HOUR), agenda: [] }));
      expect(after.body.clashes.some((c: { sessionId: string }) => [id, sameHost.body.id].includes(c.sessionId))).toBe(false);
    });

    it('moves the reminder jobs on reschedule and tells the invitees', async () => {
      const queue = t.app.get(JobQueue);
      const old24 = reminderJobId(id, '24h', new Date(base));
      const old15 = reminderJobId(id, '15m', new Date(base));
      expect((await queue.getJob(old24))?.state).toBe('delayed');
      // The driver computes runAt from its own clock reading: allow the few ms between the two.
      expect(Math.abs((await queue.getJob(old15))!.runAt!.getTime() - (base - 15 * 60_000))).toBeLessThan(2000);

      const moved = base + DAY + HOUR;
      const r = await patch('admin.jianzhou', `${BASE}/${id}`, { startsAt: iso(moved), endsAt: iso(moved + 2 * HOUR) }).expect(200);
      expect(r.body).toMatchObject({ startsAt: iso(moved), sequence: 1 });
      expect(await queue.getJob(old24)).toBeNull();
      expect(await queue.getJob(old15)).toBeNull();
      const new24 = await queue.getJob(reminderJobId(id, '24h', new Date(moved)));
      expect(new24).toMatchObject({ state: 'delayed', data: { sessionId: id, offset: '24h', startsAt: iso(moved) } });
      expect(Math.abs(new24!.runAt!.getTime() - (moved - DAY))).toBeLessThan(2000);
      expect((await queue.getJob(reminderJobId(id, '15m', new Date(moved))))?.state).toBe('delayed');
      // Who declined is not bothered again.
      expect(await notificationsOf('teacher.dongcheng', 'research_session.rescheduled', id)).toHaveLength(1);
      expect(await notificationsOf('admin.dongcheng', 'research_session.rescheduled', id)).toHaveLength(0);
      expect(code(await patch('admin.jianzhou', `${BASE}/${id}`, { endsAt: iso(moved - HOUR) }).expect(422))).toBe('RESEARCH_SESSION_TIMES_INVALID');
    });

    it('publishes an iCalendar feed that a real parser reads, with the UTC start and Chinese text', async () => {
      const feed = await post('teacher.dongcheng', '/api/v1/me/calendar-feed').expect(200);
      const url = new URL(feed.body.url);
      expect(url.pathname).toMatch(/^\/api\/v1\/calendar\/[A-Za-z0-9_-]{40,}\.ics$/);
      const res = await t.http().get(url.pathname).expect(200);
      expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
      const text = res.text;
      const event = findEvent(text, id);
      expect(event).toBeDefined();
      const moved = base + DAY + HOUR;
      expect(event!.startDate.toJSDate().toISOString()).toBe(iso(moved));
      expect(event!.endDate.toJSDate().toISOString()).toBe(iso(moved + 2 * HOUR));
      expect(event!.startDate.zone?.tzid).toBe('UTC');
      expect(event!.summary).toBe(`【联合教研】高一数学联合教研-${sfx}`);
      expect(event!.location).toBe('剑州中学录播教室（线上）');
      expect(event!.description).toContain('主办：剑州中学');
      expect(event!.sequence).toBe(1);
      // Rotating the token retires the old URL; a made-up token is 404 too.
      const rotated = await post('teacher.dongcheng', '/api/v1/me/calendar-feed').expect(200);
      expect(rotated.body.url).not.toBe(feed.body.url);
      expect(code(await t.http().get(url.pathname).expect(404))).toBe('CALENDAR_FEED_NOT_FOUND');
      await t.http().get(new URL(rotated.body.url).pathname).expect(200);
      await t.http().get('/api/v1/calendar/not-a-real-token-0123456789abcdef.ics').expect(404);
      await t.http().get('/api/v1/calendar/short.ics').expect(404);
    });

    it('cancels: invitees are notified, reminders dropped, the feed marks it cancelled', async () => {
      const queue = t.app.get(JobQueue);
      const moved = base + DAY + HOUR;
      const r = await post('admin.jianzhou', `${BASE}/${id}/cancel`, { reason: '期中考试调整' }).expect(200);
      expect(r.body).toMatchObject({ status: 'cancelled', cancelReason: '期中考试调整', sequence: 2 });
      expect(await queue.getJob(reminderJobId(id, '24h', new Date(moved)))).toBeNull();
      expect(await queue.getJob(reminderJobId(id, '15m', new Date(moved)))).toBeNull();
      // Every invitee hears of a cancellation, including the one who declined.
      for (const who of ['teacher.dongcheng', 'admin.dongcheng']) {
        const n = await notificationsOf(who, 'research_session.cancelled', id);
        expect(n).toHaveLength(1);
        expect(n[0].body).toContain('期中考试调整');
      }
      // Idempotent, and a cancelled session takes no RSVPs or edits.
      await post('admin.jianzhou', `${BASE}/${id}/cancel`, {}).expect(200);
      expect(await notificationsOf('teacher.dongcheng', 'research_session.cancelled', id)).toHaveLength(1);
      expect(code(await post('teacher.dongcheng', `${BASE}/${id}/rsvp`, { response: 'accept' }).expect(409))).toBe('RESEARCH_SESSION_CANCELLED');
      expect(code(await patch('admin.jianzhou', `${BASE}/${id}`, { title: 'x' }).expect(409))).toBe('RESEARCH_SESSION_NOT_EDITABLE');
      expect(code(await post('admin.jianzhou', `${BASE}/${id}/end`).expect(409))).toBe('RESEARCH_SESSION_CANCELLED');

      const feed = await post('teacher.dongcheng', '/api/v1/me/calendar-feed').expect(200);
      const event = findEvent((await t.http().get(new URL(feed.body.url).pathname).expect(200)).text, id);
      expect(event!.component.getFirstPropertyValue('status')).toBe('CANCELLED');
      expect(event!.sequence).toBe(2);
    });
  });

  describe('reminders', () => {
    it('runs the 15-minute reminder job and notifies the invitees who did not decline', async () => {
      // Starts in 15 min + 3 s, so the real 15-minute reminder is due in 3 s.
      const startsAt = Math.ceil((Date.now() + 15 * 60_000 + 3000) / 1000) * 1000;
      const r = await post('teacher.jianzhou', BASE, joint({ title: `提醒测试-${sfx}`, startsAt: iso(startsAt), endsAt: iso(startsAt + HOUR), agenda: [] })).expect(201);
      const id = r.body.id;
      await post('admin.dongcheng', `${BASE}/${id}/rsvp`, { response: 'decline' }).expect(200);
      const queue = t.app.get(JobQueue);
      const jobId = reminderJobId(id, '15m', new Date(startsAt));
      let state = '';
      for (let i = 0; i < 200 && state !== 'completed' && state !== 'failed'; i++) {
        state = (await queue.getJob(jobId))?.state ?? 'missing';
        if (state !== 'completed') await new Promise((res) => setTimeout(res, 100));
      }
      expect(state).toBe('completed');
      const n = await notificationsOf('teacher.dongcheng', 'research_session.reminder', id);
      expect(n).toHaveLength(1);
      expect(n[0].title).toContain(`提醒测试-${sfx}`);
      expect(n[0].title).toContain('15分钟');
      expect(await notificationsOf('admin.dongcheng', 'research_session.reminder', id)).toHaveLength(0);
      // The 24-hour one is already past, so it was never enqueued.
      expect(await queue.getJob(reminderJobId(id, '24h', new Date(startsAt)))).toBeNull();

      // A stale job (planned for another start time) does nothing.
      await t.app.get(SessionReminders).handle({ sessionId: id, offset: '15m', startsAt: iso(startsAt + HOUR) });
      expect(await notificationsOf('teacher.dongcheng', 'research_session.reminder', id)).toHaveLength(1);
      await post('teacher.jianzhou', `${BASE}/${id}/cancel`, {}).expect(200);
    });

    it('re-plans upcoming reminders at start-up without duplicating them', async () => {
      const startsAt = base + 40 * DAY;
      const r = await post('admin.jianzhou', BASE, joint({ title: `重启提醒-${sfx}`, startsAt: iso(startsAt), endsAt: iso(startsAt + HOUR), agenda: [] })).expect(201);
      const queue = t.app.get(JobQueue);
      const jobId = reminderJobId(r.body.id, '24h', new Date(startsAt));
      const before = await queue.getJob(jobId);
      expect(before?.state).toBe('delayed');
      // What the memory driver needs after a restart; with a job already there it adds nothing.
      await queue.remove(jobId);
      await t.app.get(SessionReminders).onApplicationBootstrap();
      const again = await queue.getJob(jobId);
      expect(again).toMatchObject({ state: 'delayed', data: { sessionId: r.body.id, offset: '24h' } });
      await t.app.get(SessionReminders).onApplicationBootstrap();
      expect((await queue.getJob(jobId))?.createdAt).toEqual(again?.createdAt);
      await post('admin.jianzhou', `${BASE}/${r.body.id}/cancel`, {}).expect(200);
    });
  });

  describe('partnerships and defaults', () => {
    it('invites a partnership member school by default and counts the session for the term', async () => {
      const before = (await get('city.admin', `/api/v1/partnerships/${liemianId}/obligations`).expect(200)).body.term;
      const termEnd = Date.parse(`${before.endDate}T00:00:00+08:00`) + DAY;
      const startsAt = Math.min(Date.now() + 2 * DAY, termEnd - 3 * HOUR);
      const doneOf = (term: { obligations: { kind: string; done: number; source: string }[] }) => term.obligations.find((o) => o.kind === 'joint_research_session');
      expect(doneOf(before)).toMatchObject({ source: 'recorded' });

      // The city schedules a session hosted by the mentor school; 剑州中学 (the member) is invited by default.
      const r = await post('city.admin', BASE, {
        kind: 'training_to_school',
        title: `送培到校-${sfx}`,
        hostOrganizationId: org.liemian,
        partnershipId: liemianId,
        startsAt: iso(startsAt),
        endsAt: iso(startsAt + 2 * HOUR),
        creditHours: 2,
        trainingLevel: 'city',
      }).expect(201);
      expect(r.body.invitations).toEqual([expect.objectContaining({ type: 'organization', id: org.jianzhou })]);
      expect(r.body.partnershipId).toBe(liemianId);
      // Mentors of the linked partnership may see it; teacher.jianzhou gets it through the school's invitation.
      await get('mentor.liemian', `${BASE}/${r.body.id}`).expect(200);
      await get('teacher.jianzhou', `${BASE}/${r.body.id}`).expect(200);
      expect(await notificationsOf('teacher.jianzhou', 'research_session.invited', r.body.id)).toHaveLength(1);

      const after = (await get('city.admin', `/api/v1/partnerships/${liemianId}/obligations`).expect(200)).body.term;
      expect(doneOf(after)!.done).toBe(doneOf(before)!.done + 1);
      await post('city.admin', `${BASE}/${r.body.id}/cancel`, { reason: '测试' }).expect(200);
      const cancelled = (await get('city.admin', `/api/v1/partnerships/${liemianId}/obligations`).expect(200)).body.term;
      expect(doneOf(cancelled)!.done).toBe(doneOf(before)!.done);
    });

    it('refuses a partnership the host is not part of', async () => {
      const ps = await get('city.admin', '/api/v1/partnerships').query({ limit: 100 }).expect(200);
      const anyue = ps.body.items.find((p: { name: string }) => p.name.includes('旺苍东城中学')).id;
      expect(code(await post('admin.jianzhou', BASE, joint({ title: `错误帮扶-${sfx}`, partnershipId: anyue })).expect(422))).toBe('RESEARCH_SESSION_PARTNERSHIP_INVALID');
    });
  });

  describe('bad input and access', () => {
    it('answers 4xx with stable codes', async () => {
      const bad = async (body: Record<string, unknown>, status: number, expected: string, who = 'admin.jianzhou') => {
        const r = await post(who, BASE, body);
        expect({ status: r.status, code: code(r), body }).toMatchObject({ status, code: expected });
      };
      await bad(joint({ kind: 'party' }), 400, 'VALIDATION_FAILED');
      await bad(joint({ endsAt: iso(base - HOUR) }), 422, 'RESEARCH_SESSION_TIMES_INVALID');
      await bad(joint({ endsAt: iso(base) }), 422, 'RESEARCH_SESSION_TIMES_INVALID');
      await bad(joint({ startsAt: '2030-01-01 09:00' }), 400, 'VALIDATION_FAILED');
      await bad(joint({ startsAt: 'tomorrow' }), 400, 'VALIDATION_FAILED');
      await bad(joint({ creditHours: -1 }), 400, 'VALIDATION_FAILED');
      await bad(joint({ creditHours: '3' }), 400, 'VALIDATION_FAILED');
      await bad(joint({ trainingLevel: 'galactic' }), 400, 'VALIDATION_FAILED');
      await bad(joint({ agenda: [{ minutes: 10 }] }), 400, 'VALIDATION_FAILED');
      await bad(joint({ agenda: 'talk' }), 400, 'VALIDATION_FAILED');
      await bad(joint({ hostOrganizationId: 'nope' }), 400, 'VALIDATION_FAILED');
      await bad(joint({ unknownField: 1 }), 400, 'VALIDATION_FAILED');
      await bad(joint({ invitedOrganizationIds: ['00000000-0000-4000-8000-000000000000'] }), 422, 'RESEARCH_SESSION_INVITEE_UNKNOWN');
      await bad(joint({ invitedUserIds: ['00000000-0000-4000-8000-000000000000'] }), 422, 'RESEARCH_SESSION_INVITEE_UNKNOWN');
      await bad(joint({ agenda: [{ title: 'x', presenterUserId: '00000000-0000-4000-8000-000000000000' }] }), 422, 'RESEARCH_SESSION_AGENDA_INVALID');
      await bad(joint({ hostOrganizationId: '00000000-0000-4000-8000-000000000000' }), 422, 'RESEARCH_SESSION_HOST_INVALID');
      await bad(joint({ resourceIds: ['00000000-0000-4000-8000-000000000000'] }), 422, 'RESEARCH_SESSION_RESOURCE_UNAVAILABLE');
      // Hosting for another school, or as a mentor, is refused.
      await bad(joint({ hostOrganizationId: org.dongcheng }), 403, 'OUT_OF_SCOPE');
      await bad(joint(), 403, 'ACCESS_DENIED', 'mentor.liemian');

      expect(code(await get('teacher.jianzhou', `${BASE}/not-a-uuid`).expect(400))).toBe('VALIDATION_FAILED');
      expect(code(await get('teacher.jianzhou', `${BASE}/00000000-0000-4000-8000-000000000000`).expect(404))).toBe('RESEARCH_SESSION_NOT_FOUND');
      expect(code(await get('teacher.jianzhou', BASE).query({ from: iso(base), to: iso(base - HOUR) }).expect(400))).toBe('RESEARCH_SESSION_WINDOW_INVALID');
      expect(code(await get('teacher.jianzhou', BASE).query({ from: iso(base), to: iso(base + 400 * DAY) }).expect(400))).toBe('RESEARCH_SESSION_WINDOW_INVALID');
      expect(code(await get('teacher.jianzhou', BASE).query({ from: 'yesterday' }).expect(400))).toBe('VALIDATION_FAILED');
      await t.http().get(BASE).expect(401);
    });

    it('links only library resources the creator may see, and shows each viewer only those they may open', async () => {
      const resourceId = await schoolOnlyResource(`剑州中学校本教案-${sfx}`);
      const r = await schedule('teacher.jianzhou', joint({ title: `带资源的教研-${sfx}`, startsAt: iso(base + 10 * DAY), endsAt: iso(base + 10 * DAY + HOUR), agenda: [], resourceIds: [resourceId] }));
      expect(r.body.resources).toEqual([expect.objectContaining({ id: resourceId, title: `剑州中学校本教案-${sfx}`, type: 'lesson_plan' })]);
      // The invited school may not open a school-only item of 剑州中学, so it is not listed to them...
      expect((await get('teacher.dongcheng', `${BASE}/${r.body.id}`).expect(200)).body.resources).toEqual([]);
      // ...nor may they link it to a session of their own.
      const theirs = await post('admin.dongcheng', BASE, joint({ title: `东城带资源-${sfx}`, hostOrganizationId: org.dongcheng, invitedOrganizationIds: [], agenda: [], resourceIds: [resourceId] })).expect(422);
      expect(theirs.body.error).toMatchObject({ code: 'RESEARCH_SESSION_RESOURCE_UNAVAILABLE', details: { resourceIds: [resourceId] } });
    });

    it('ends a session for moderators only, idempotently, and shows attendance to moderators', async () => {
      const r = await post('teacher.jianzhou', BASE, joint({ title: `结束测试-${sfx}`, startsAt: iso(Date.now() - HOUR), endsAt: iso(Date.now() + HOUR), agenda: [{ title: 'A' }, { title: 'B' }] })).expect(201);
      const id = r.body.id;
      expect(code(await post('teacher.dongcheng', `${BASE}/${id}/end`).expect(403))).toBe('RESEARCH_SESSION_ACCESS_DENIED');
      expect(code(await get('teacher.dongcheng', `${BASE}/${id}/attendance`).expect(403))).toBe('RESEARCH_SESSION_ACCESS_DENIED');
      const ended = await post('teacher.jianzhou', `${BASE}/${id}/end`).expect(200);
      expect(ended.body.status).toBe('ended');
      expect(ended.body.endedAt).toBeTruthy();
      const again = await post('admin.jianzhou', `${BASE}/${id}/end`).expect(200);
      expect(again.body.endedAt).toBe(ended.body.endedAt);
      await get('county.jiange', `${BASE}/${id}/attendance`).expect(200);
      await get('admin.jianzhou', `${BASE}/${id}/attendance`).expect(200);
      expect(code(await post('teacher.dongcheng', `${BASE}/${id}/rsvp`, { response: 'accept' }).expect(409))).toBe('RESEARCH_SESSION_ENDED');
      expect(code(await post('teacher.jianzhou', `${BASE}/${id}/cancel`, {}).expect(409))).toBe('RESEARCH_SESSION_ENDED');
    });
  });

  it('seeds one upcoming joint session of 剑州中学 inviting 旺苍东城中学', async () => {
    const list = await get('teacher.dongcheng', BASE).query({ from: '2027-03-18T00:00:00+08:00', to: '2027-03-19T00:00:00+08:00' }).expect(200);
    const seeded = list.body.items.filter((s: { title: string }) => s.title.startsWith('剑州中学·旺苍东城中学 高一数学联合教研'));
    expect(seeded).toHaveLength(1);
    expect(seeded[0]).toMatchObject({ hostOrganizationName: '剑州中学', kind: 'joint_research', startsAtLocal: '2027-03-18 09:00', startsAt: '2027-03-18T01:00:00.000Z' });
  });
});

/** The VEVENT of a session in a feed, parsed with ical.js. */
function findEvent(text: string, sessionId: string): ICAL.Event | undefined {
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal
    .getAllSubcomponents('vevent')
    .map((v) => new ICAL.Event(v))
    .find((e) => e.uid.startsWith(`${sessionId}@`));
}
