import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { io, Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { NotificationsService, Notification } from '@app/domain';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { AppConfig } from '@app/platform';
import { createTestApp, TestApp } from '../utils/create-app';
import { testConfig } from '../utils/test-config';

// Specs may share one database (CI's MariaDB pass): every notification here carries a unique type, and
// assertions look only at those.
const tag = () => `spec.n${randomBytes(4).toString('hex')}`;
/** LIVE_FANOUT=redis in the environment runs the multi-process cases over Redis; otherwise the in-memory variant. */
const REDIS_FANOUT = process.env.LIVE_FANOUT === 'redis';
const fanoutEnv = (): Record<string, string> => (REDIS_FANOUT ? { LIVE_FANOUT: 'redis' } : {});

interface Received {
  event: string;
  payload: any;
}

/** A socket.io client on /notifications that records every event it gets. */
class LiveClient {
  readonly events: Received[] = [];
  private constructor(readonly socket: Socket) {
    socket.onAny((event, payload) => this.events.push({ event, payload }));
  }

  static connect(url: string, auth: Record<string, unknown>): Promise<LiveClient> {
    const socket = io(`${url}/notifications`, { auth, reconnection: false, forceNew: true });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new LiveClient(socket)));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  notifications(): any[] {
    return this.events.filter((e) => e.event === 'notification').map((e) => e.payload);
  }

  async waitFor(predicate: (e: Received) => boolean, timeoutMs = 5000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(predicate);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs}ms; got ${JSON.stringify(this.events)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  waitForNotification(type: string, timeoutMs?: number): Promise<any> {
    return this.waitFor((e) => e.event === 'notification' && e.payload?.type === type, timeoutMs).then((e) => e.payload);
  }

  close(): void {
    this.socket.close();
  }
}

/** The handshake refusal as the client sees it (`connect_error`). */
async function refusal(url: string, auth: Record<string, unknown>): Promise<{ message: string; data?: { code: string; message: string } }> {
  try {
    const client = await LiveClient.connect(url, auth);
    client.close();
  } catch (err) {
    return err as { message: string; data?: { code: string; message: string } };
  }
  throw new Error('the handshake was accepted');
}

describe('notifications: in-app list with read state, live over socket.io', () => {
  let t: TestApp;
  let service: NotificationsService;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const orgs: Record<string, string> = {};
  const clients: LiveClient[] = [];
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const list = (who: string, query: Record<string, string | number | boolean> = {}) =>
    t.http().get('/api/v1/notifications').query({ limit: 100, ...query }).set(as(who));
  const connect = async (who: string, url = t.url) => {
    const client = await LiveClient.connect(url, { token: tokens[who] });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await createTestApp(fanoutEnv());
    service = t.app.get(NotificationsService);
    for (const who of ['city.admin', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng']) {
      tokens[who] = await t.login(who);
      const me = (await t.http().get('/api/v1/me').set(as(who)).expect(200)).body;
      ids[who] = me.id;
      orgs[who] = me.organization.id;
    }
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => t?.close());

  describe('http', () => {
    it('lists only the caller\'s notifications, newest first, with the unread count', async () => {
      const type = tag();
      await service.notifyUsers([ids['teacher.jianzhou']], { type, title: '第一条：措施已驳回', body: '请补充佐证材料', link: { kind: 'measure', id: '8f0d1c8e-3f4a-4b8c-9c1e-2a6b7d9e0f11' } });
      await service.notifyUsers([ids['teacher.jianzhou'], ids['teacher.jianzhou']], { type, title: '第二条' });
      await service.notifyUsers([ids['admin.jianzhou']], { type, title: '给校长的' });

      const mine = (await list('teacher.jianzhou').expect(200)).body;
      expect(mine).toMatchObject({ page: 1, limit: 100, unread: expect.any(Number), total: expect.any(Number) });
      const own = mine.items.filter((n: any) => n.type === type);
      // the duplicate id in the second call gives one row, and the school admin's does not show
      expect(own.map((n: any) => n.title)).toEqual(['第二条', '第一条：措施已驳回']);
      expect(own[1]).toEqual({
        id: expect.any(String),
        type,
        title: '第一条：措施已驳回',
        body: '请补充佐证材料',
        link: { kind: 'measure', id: '8f0d1c8e-3f4a-4b8c-9c1e-2a6b7d9e0f11' },
        read: false,
        readAt: null,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(own[0]).toMatchObject({ body: null, link: null });
      expect(mine.unread).toBeGreaterThanOrEqual(2);

      const theirs = (await list('admin.jianzhou').expect(200)).body.items.filter((n: any) => n.type === type);
      expect(theirs.map((n: any) => n.title)).toEqual(['给校长的']);
    });

    it('marks one read (only the caller\'s own), keeps the first read time, and filters by read state', async () => {
      const type = tag();
      await service.notifyUsers([ids['teacher.jianzhou']], { type, title: '待阅' });
      await service.notifyUsers([ids['admin.jianzhou']], { type, title: '别人的' });
      const before = (await list('teacher.jianzhou').expect(200)).body;
      const target = before.items.find((n: any) => n.type === type);
      const others = (await list('admin.jianzhou').expect(200)).body.items.find((n: any) => n.type === type);

      // another user's notification is "not found" for the caller, and stays unread
      const denied = await t.http().post(`/api/v1/notifications/${others.id}/read`).set(as('teacher.jianzhou')).expect(404);
      expect(denied.body.error.code).toBe('NOTIFICATION_NOT_FOUND');
      expect((await list('admin.jianzhou', { unread: true }).expect(200)).body.items.some((n: any) => n.id === others.id)).toBe(true);

      const read = (await t.http().post(`/api/v1/notifications/${target.id}/read`).set(as('teacher.jianzhou')).expect(200)).body;
      expect(read).toMatchObject({ id: target.id, read: true, readAt: expect.any(String) });
      const again = (await t.http().post(`/api/v1/notifications/${target.id}/read`).set(as('teacher.jianzhou')).expect(200)).body;
      expect(again.readAt).toBe(read.readAt);

      const after = (await list('teacher.jianzhou').expect(200)).body;
      expect(after.unread).toBe(before.unread - 1);
      const unreadOnly = (await list('teacher.jianzhou', { unread: true }).expect(200)).body;
      expect(unreadOnly.items.some((n: any) => n.id === target.id)).toBe(false);
      expect(unreadOnly.items.every((n: any) => n.read === false)).toBe(true);
      expect(unreadOnly.total).toBe(after.unread);
      const readOnly = (await list('teacher.jianzhou', { unread: false }).expect(200)).body;
      expect(readOnly.items.some((n: any) => n.id === target.id)).toBe(true);
      expect(readOnly.items.every((n: any) => n.read === true)).toBe(true);
    });

    it('marks all of the caller\'s read and nobody else\'s', async () => {
      const type = tag();
      await service.notifyUsers([ids['admin.dongcheng']], { type, title: '一' });
      await service.notifyUsers([ids['admin.dongcheng']], { type, title: '二' });
      await service.notifyUsers([ids['teacher.jianzhou']], { type, title: '别人的' });
      const res = (await t.http().post('/api/v1/notifications/read-all').set(as('admin.dongcheng')).expect(200)).body;
      expect(res.updated).toBeGreaterThanOrEqual(2);
      expect(res.unread).toBe(0);
      expect((await list('admin.dongcheng').expect(200)).body.unread).toBe(0);
      expect((await t.http().post('/api/v1/notifications/read-all').set(as('admin.dongcheng')).expect(200)).body).toEqual({ updated: 0, unread: 0 });
      const teacher = (await list('teacher.jianzhou', { unread: true }).expect(200)).body.items;
      expect(teacher.some((n: any) => n.type === type)).toBe(true);
    });

    it('pages with a bounded limit', async () => {
      const type = tag();
      for (let i = 1; i <= 3; i++) await service.notifyUsers([ids['admin.dongcheng']], { type, title: `第${i}条` });
      const page1 = (await list('admin.dongcheng', { limit: 2, page: 1 }).expect(200)).body;
      const page2 = (await list('admin.dongcheng', { limit: 2, page: 2 }).expect(200)).body;
      expect(page1).toMatchObject({ page: 1, limit: 2 });
      expect(page1.items).toHaveLength(2);
      expect(page1.items.map((n: any) => n.title)).toEqual(['第3条', '第2条']);
      expect(page2.items[0].title).toBe('第1条');
      expect(page1.total).toBe(page2.total);
    });

    it('refuses bad input and anonymous callers with codes', async () => {
      expect((await list('teacher.jianzhou', { limit: 101 }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      expect((await list('teacher.jianzhou', { unread: 'maybe' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      const bad = await t.http().post('/api/v1/notifications/not-a-uuid/read').set(as('teacher.jianzhou')).expect(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      const unknown = await t.http().post('/api/v1/notifications/00000000-0000-4000-8000-000000000000/read').set(as('teacher.jianzhou')).expect(404);
      expect(unknown.body.error.code).toBe('NOTIFICATION_NOT_FOUND');
      expect((await t.http().get('/api/v1/notifications').expect(401)).body.error.code).toBe('AUTH_REQUIRED');
      expect((await t.http().post('/api/v1/notifications/read-all').expect(401)).body.error.code).toBe('AUTH_REQUIRED');
    });
  });

  describe('service', () => {
    it('notifies the holders of roles in organizations, active accounts only', async () => {
      const type = tag();
      // a second, then deactivated, school admin of 剑州中学 gets nothing
      const username = `spec.notif.${randomBytes(3).toString('hex')}`;
      const created = await t
        .http()
        .post('/api/v1/users')
        .set(as('city.admin'))
        .send({ username, password: 'Spec2026pass', name: '停用的校长', role: 'school_admin', organizationId: orgs['admin.jianzhou'] })
        .expect(201);
      await t.http().patch(`/api/v1/users/${created.body.id}`).set(as('city.admin')).send({ active: false }).expect(200);

      await service.notifyOrganizationRoles([orgs['admin.jianzhou'], orgs['admin.dongcheng']], ['school_admin'], {
        type,
        title: '请按期完成整改',
        link: { kind: 'rectification', id: '2b1c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b' },
      });
      const ds = t.app.get(DataSource);
      const rows = await ds.getRepository(Notification).find({ where: { type } });
      const notified = rows.map((r) => r.userId).sort();
      // Other specs may add school admins to these schools when they share the database (CI's MariaDB pass): the
      // expected set is every active school admin of the two schools at this moment.
      const holders: { id: string }[] = await ds.query(
        `SELECT id FROM users WHERE role = 'school_admin' AND active = 1 AND organizationId IN (?, ?)`,
        [orgs['admin.jianzhou'], orgs['admin.dongcheng']],
      );
      expect(notified).toEqual(holders.map((h) => h.id).sort());
      expect(notified).toEqual(expect.arrayContaining([ids['admin.jianzhou'], ids['admin.dongcheng']]));
      expect(notified).not.toContain(created.body.id);
      expect((await list('teacher.jianzhou').expect(200)).body.items.some((n: any) => n.type === type)).toBe(false);
    });

    it('stores nothing for nobody, and refuses a malformed type or link', async () => {
      const type = tag();
      await service.notifyUsers([], { type, title: '无人' });
      await service.notifyUsers(['00000000-0000-4000-8000-000000000000'], { type, title: '不存在的用户' });
      await service.notifyOrganizationRoles([orgs['admin.jianzhou']], [], { type, title: '无角色' });
      expect(await t.app.get(DataSource).getRepository(Notification).count({ where: { type } })).toBe(0);
      await expect(service.notifyUsers([ids['teacher.jianzhou']], { type: 'Bad Type', title: 'x' })).rejects.toThrow(/notification type/);
      await expect(service.notifyUsers([ids['teacher.jianzhou']], { type, title: 'x', link: { kind: 'session' as any, id: 'x' } })).rejects.toThrow(/link kind/);
      await expect(service.notifyUsers([ids['teacher.jianzhou']], { type, title: '   ' })).rejects.toThrow(/title/);
    });
  });

  describe('live (socket.io /notifications)', () => {
    it('delivers a notification to its user\'s connections and not to another user\'s', async () => {
      const teacher = await connect('teacher.jianzhou');
      const teacherAgain = await connect('teacher.jianzhou'); // a second tab
      const admin = await connect('admin.jianzhou');
      const type = tag();
      // the other user's first: if it were routed to the teacher, it would arrive before the teacher's own
      await service.notifyUsers([ids['admin.jianzhou']], { type, title: '给校长' });
      await service.notifyUsers([ids['teacher.jianzhou']], { type, title: '给老师', link: { kind: 'plan', id: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d' } });

      const got = await teacher.waitForNotification(type);
      expect(got).toMatchObject({ type, title: '给老师', read: false, readAt: null, link: { kind: 'plan' } });
      expect(got.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
      // the pushed event is the stored row
      const stored = (await list('teacher.jianzhou').expect(200)).body.items.find((n: any) => n.type === type);
      expect(got).toEqual(stored);
      expect(teacher.notifications().filter((n) => n.type === type).map((n) => n.title)).toEqual(['给老师']);
      expect((await teacherAgain.waitForNotification(type)).id).toBe(got.id);
      expect((await admin.waitForNotification(type)).title).toBe('给校长');
      expect(admin.notifications().filter((n) => n.type === type).map((n) => n.title)).toEqual(['给校长']);
    });

    it('tells the user\'s other connections the new unread count when they read', async () => {
      const tab = await connect('teacher.jianzhou');
      const type = tag();
      await service.notifyUsers([ids['teacher.jianzhou']], { type, title: '读我' });
      const n = await tab.waitForNotification(type);
      const before = (await list('teacher.jianzhou').expect(200)).body.unread;
      await t.http().post(`/api/v1/notifications/${n.id}/read`).set(as('teacher.jianzhou')).expect(200);
      expect((await tab.waitFor((e) => e.event === 'unread')).payload).toEqual({ unread: before - 1 });
      await t.http().post('/api/v1/notifications/read-all').set(as('teacher.jianzhou')).expect(200);
      await tab.waitFor((e) => e.event === 'unread' && e.payload.unread === 0);
    });

    it('refuses a handshake without a valid access token, with the reason', async () => {
      expect(await refusal(t.url, {})).toMatchObject({ message: '请先登录', data: { code: 'AUTH_REQUIRED' } });
      expect(await refusal(t.url, { token: 'not-a-token' })).toMatchObject({ data: { code: 'AUTH_TOKEN_INVALID', message: expect.any(String) } });
      const jwt = t.app.get(JwtService);
      const me = { sub: ids['teacher.jianzhou'], usr: 'teacher.jianzhou', role: 'teacher', org: orgs['teacher.jianzhou'], cty: null };
      // signed with another secret, of the wrong type, or expired: all refused like the http guard refuses them
      const forged = await jwt.signAsync({ ...me, typ: 'access' }, { secret: 'x'.repeat(48) });
      const refreshTyped = await jwt.signAsync({ ...me, typ: 'refresh' });
      // iat an hour ago: the configured lifetime (at most 15 minutes in tests) has run out
      const expired = await jwt.signAsync({ ...me, typ: 'access', iat: Math.floor(Date.now() / 1000) - 3600 }, { expiresIn: 60 });
      for (const token of [forged, refreshTyped, expired]) {
        expect((await refusal(t.url, { token })).data?.code).toBe('AUTH_TOKEN_INVALID');
        // and the http api says the same about it
        expect((await t.http().get('/api/v1/notifications').set({ Authorization: `Bearer ${token}` }).expect(401)).body.error.code).toBe('AUTH_TOKEN_INVALID');
      }
    });

    it('ends the connection when its access token expires', async () => {
      const jwt = t.app.get(JwtService);
      const token = await jwt.signAsync(
        { sub: ids['teacher.jianzhou'], usr: 'teacher.jianzhou', role: 'teacher', org: orgs['teacher.jianzhou'], cty: null, typ: 'access' },
        { expiresIn: 2 },
      );
      const client = await LiveClient.connect(t.url, { token });
      clients.push(client);
      const reason = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
      expect((await client.waitFor((e) => e.event === 'session_expired', 4000)).payload.code).toBe('AUTH_TOKEN_INVALID');
      expect(await reason).toBe('io server disconnect');
    });
  });

  describe(`several processes (LIVE_FANOUT=${REDIS_FANOUT ? 'redis' : 'memory'})`, () => {
    let b: TestApp;
    // The second api instance shares the database, the JWT secret (DATA_DIR) and the Redis prefix, as the
    // instances of one deployment do.
    const shared = () => ({ ...fanoutEnv(), DATA_DIR: t.config.DATA_DIR, QUEUE_PREFIX: t.config.QUEUE_PREFIX, ...(t.config.DATABASE_URL ? { DATABASE_URL: t.config.DATABASE_URL } : {}) });

    beforeAll(async () => {
      b = await createTestApp(shared());
    });
    afterAll(() => b?.close());

    it(
      REDIS_FANOUT
        ? 'a client on instance B receives a notification created through instance A'
        : 'a client on instance A receives a notification created through A; B lists it from the shared database',
      async () => {
        const onA = await connect('teacher.jianzhou', t.url);
        const onB = await connect('teacher.jianzhou', b.url);
        const otherOnB = await connect('admin.jianzhou', b.url);
        const type = tag();
        await service.notifyUsers([ids['admin.dongcheng']], { type, title: '给东城' });
        await service.notifyUsers([ids['teacher.jianzhou']], { type, title: '跨实例' });

        const onAGot = await onA.waitForNotification(type);
        expect(onAGot.title).toBe('跨实例');
        if (REDIS_FANOUT) {
          const onBGot = await onB.waitForNotification(type);
          expect(onBGot).toEqual(onAGot);
          expect(onB.notifications().filter((n) => n.type === type)).toHaveLength(1);
        }
        const listedOnB = (await b.http().get('/api/v1/notifications').set(as('teacher.jianzhou')).expect(200)).body.items;
        expect(listedOnB.find((n: any) => n.type === type)?.id).toBe(onAGot.id);
        // nobody else's connection got it
        await new Promise((r) => setTimeout(r, 200));
        expect(otherOnB.notifications().some((n) => n.type === type)).toBe(false);
      },
    );

    it('closing an api instance ends its live connections (they would otherwise hold the http server open)', async () => {
      const c = await createTestApp(shared());
      let closed = false;
      try {
        const client = await connect('teacher.jianzhou', c.url);
        const reason = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
        const started = Date.now();
        await c.close();
        closed = true;
        expect(Date.now() - started).toBeLessThan(5000);
        // 'io server disconnect' when the close packet got out first, a transport reason when the connection went first
        expect(await reason).toMatch(/^(io server disconnect|transport close|transport error)$/);
      } finally {
        if (!closed) await c.close();
      }
    });

    it(
      REDIS_FANOUT
        ? 'a notification created in apps/worker reaches the user\'s clients on the api instances (redis-emitter)'
        : 'apps/worker without a fan-out stores the notification; the api lists it (embedded mode runs jobs in the api)',
      async () => {
        const worker = await Test.createTestingModule({ imports: [WorkerModule] })
          .overrideProvider(AppConfig)
          .useValue(testConfig({ ...shared(), RUN_JOBS: 'false', SEED_ON_START: 'false', MIGRATE_ON_START: 'false' }))
          .compile();
        await worker.init();
        try {
          const onA = await connect('teacher.jianzhou', t.url);
          const onB = await connect('teacher.jianzhou', b.url);
          const type = tag();
          await worker.get(NotificationsService).notifyUsers([ids['teacher.jianzhou']], { type, title: '来自后台任务' });
          const listed = (await list('teacher.jianzhou').expect(200)).body.items.find((n: any) => n.type === type);
          expect(listed).toMatchObject({ title: '来自后台任务', read: false });
          if (REDIS_FANOUT) {
            expect(await onA.waitForNotification(type)).toEqual(listed);
            expect(await onB.waitForNotification(type)).toEqual(listed);
          } else {
            await new Promise((r) => setTimeout(r, 200));
            expect(onA.notifications().some((n) => n.type === type)).toBe(false);
          }
        } finally {
          await worker.close();
        }
      },
    );
  });
});
