import { randomBytes, randomInt } from 'node:crypto';
import { createTestApp, TestApp } from '../utils/create-app';

// Specs may share one database (CI's MariaDB pass), so the accounts this spec changes are its own, named uniquely.
const unique = () => randomBytes(3).toString('hex');
const randomPhone = () => `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
const PASSWORD = 'Spec2026pass';

describe('auth: login, refresh rotation, logout, /me', () => {
  let t: TestApp;
  let cityToken: string;
  let jianzhouId: string;

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const loginRes = (username: string, password: string) => t.http().post('/api/v1/auth/login').send({ username, password });
  const refresh = (refreshToken: string) => t.http().post('/api/v1/auth/refresh').send({ refreshToken });

  /** A fresh teacher of 剑州中学 created by the city admin. */
  async function newTeacher(extra: { phone?: string } = {}): Promise<{ id: string; username: string }> {
    const username = `spec.auth.${unique()}`;
    const res = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(cityToken))
      .send({ username, password: PASSWORD, name: '测试教师', role: 'teacher', organizationId: jianzhouId, ...extra })
      .expect(201);
    return { id: res.body.id, username };
  }

  beforeAll(async () => {
    t = await createTestApp();
    cityToken = await t.login('city.admin');
    const me = await t.http().get('/api/v1/me').set(bearer(await t.login('admin.jianzhou'))).expect(200);
    jianzhouId = me.body.organization.id;
  });
  afterAll(() => t?.close());

  it('logs in by username: a Bearer pair and the same user as /me', async () => {
    const res = await loginRes('teacher.jianzhou', t.config.DEMO_PASSWORD).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
      tokenType: 'Bearer',
      expiresIn: t.config.ACCESS_TOKEN_TTL_SECONDS,
      refreshExpiresAt: expect.any(String),
      user: expect.any(Object),
    });
    const me = await t.http().get('/api/v1/me').set(bearer(res.body.accessToken)).expect(200);
    expect(res.body.user).toEqual(me.body);
  });

  it('tells the signed-in user which roles they may give to accounts they create, and in which kinds of unit', async () => {
    const school = await t.http().get('/api/v1/me').set(bearer(await t.login('admin.jianzhou'))).expect(200);
    expect(school.body.accountRoles).toEqual([
      { role: 'school_admin', organizationKinds: ['school'] },
      { role: 'teacher', organizationKinds: ['school'] },
    ]);
    const county = await t.http().get('/api/v1/me').set(bearer(await t.login('county.jiange'))).expect(200);
    expect(county.body.accountRoles.map((r: { role: string }) => r.role)).toEqual(['school_admin', 'teacher', 'mentor']);
    expect(county.body.accountRoles[2].organizationKinds).toEqual(['school', 'external_school', 'university']);
  });

  it('logs in by phone number, and records the time of the last login', async () => {
    const phone = randomPhone();
    const teacher = await newTeacher({ phone });
    const before = await t.http().get(`/api/v1/users/${teacher.id}`).set(bearer(cityToken)).expect(200);
    expect(before.body.lastLoginAt).toBeNull();
    const res = await loginRes(phone, PASSWORD).expect(200);
    expect(res.body.user).toMatchObject({ id: teacher.id, username: teacher.username, phone });
    const after = await t.http().get(`/api/v1/users/${teacher.id}`).set(bearer(cityToken)).expect(200);
    expect(Date.parse(after.body.lastLoginAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('answers a wrong password and an unknown user alike: 401 AUTH_INVALID_CREDENTIALS after similar work', async () => {
    const timed = async (username: string) => {
      const started = process.hrtime.bigint();
      const res = await loginRes(username, 'Wrong2026pass').expect(401);
      return { body: res.body, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await timed('teacher.dongcheng');
      const b = await timed(`nobody.${unique()}`);
      expect(a.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
      expect(b.body.error).toEqual(a.body.error);
      wrong.push(a.ms);
      unknown.push(b.ms);
    }
    // Without the dummy verification an unknown user would answer ~10x faster (no argon2 work at all).
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[1];
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.3);
  });

  it('a disabled account: 401 for a wrong password, 403 AUTH_ACCOUNT_DISABLED only for the right one', async () => {
    const teacher = await newTeacher();
    await t.http().patch(`/api/v1/users/${teacher.id}`).set(bearer(cityToken)).send({ active: false }).expect(200);
    expect((await loginRes(teacher.username, 'Wrong2026pass').expect(401)).body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await loginRes(teacher.username, PASSWORD).expect(403)).body.error.code).toBe('AUTH_ACCOUNT_DISABLED');
  });

  it('refresh rotates; the used token is then REUSED and its family, newest token included, is refused', async () => {
    const teacher = await newTeacher();
    const first = (await loginRes(teacher.username, PASSWORD).expect(200)).body;
    const second = (await refresh(first.refreshToken).expect(200)).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.tokenType).toBe('Bearer');
    expect(second.user.id).toBe(teacher.id);
    await t.http().get('/api/v1/me').set(bearer(second.accessToken)).expect(200);
    const third = (await refresh(second.refreshToken).expect(200)).body;

    const reused = await refresh(first.refreshToken).expect(401);
    expect(reused.body.error.code).toBe('AUTH_REFRESH_REUSED');
    const newest = await refresh(third.refreshToken).expect(401);
    expect(newest.body.error.code).toBe('AUTH_REFRESH_INVALID');
    // Another sign-in of the same user is a different family and keeps working.
    const other = (await loginRes(teacher.username, PASSWORD).expect(200)).body;
    await refresh(other.refreshToken).expect(200);
  });

  it('of two simultaneous refreshes with one token at most one succeeds', async () => {
    const teacher = await newTeacher();
    const session = (await loginRes(teacher.username, PASSWORD).expect(200)).body;
    const results = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r.body.error.code).toBe('AUTH_REFRESH_REUSED');
  });

  it('refuses unknown refresh tokens and bodies without one', async () => {
    expect((await refresh(randomBytes(32).toString('base64url')).expect(401)).body.error.code).toBe('AUTH_REFRESH_INVALID');
    expect((await t.http().post('/api/v1/auth/refresh').send({}).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('logout ends that sign-in (204); logout-all ends every sign-in of the user', async () => {
    const teacher = await newTeacher();
    const a = (await loginRes(teacher.username, PASSWORD).expect(200)).body;
    const b = (await loginRes(teacher.username, PASSWORD).expect(200)).body;
    const c = (await loginRes(teacher.username, PASSWORD).expect(200)).body;

    await t.http().post('/api/v1/auth/logout').send({ refreshToken: a.refreshToken }).expect(401);
    await t.http().post('/api/v1/auth/logout').set(bearer(a.accessToken)).send({ refreshToken: a.refreshToken }).expect(204);
    expect((await refresh(a.refreshToken).expect(401)).body.error.code).toBe('AUTH_REFRESH_INVALID');
    const bNext = (await refresh(b.refreshToken).expect(200)).body;

    await t.http().post('/api/v1/auth/logout-all').set(bearer(c.accessToken)).expect(204);
    await refresh(bNext.refreshToken).expect(401);
    await refresh(c.refreshToken).expect(401);
  });

  it('GET /me describes a teacher with organization and county', async () => {
    const res = await t.http().get('/api/v1/me').set(bearer(await t.login('teacher.jianzhou'))).expect(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      username: 'teacher.jianzhou',
      name: '刘晓燕',
      role: 'teacher',
      roleLabel: '教师/教研员',
      phone: null,
      subject: '数学',
      organization: { id: jianzhouId, name: '剑州中学', kind: 'school' },
      county: { id: expect.any(String), name: '剑阁县' },
      accountRoles: [], // a teacher manages no accounts
    });
    const county = await t.http().get('/api/v1/me').set(bearer(await t.login('county.jiange'))).expect(200);
    expect(county.body.county).toEqual({ id: county.body.organization.id, name: '剑阁县' });
    expect(res.body.county.id).toBe(county.body.organization.id);
  });

  it('GET /me needs a valid bearer token', async () => {
    expect((await t.http().get('/api/v1/me').expect(401)).body.error.code).toBe('AUTH_REQUIRED');
    expect((await t.http().get('/api/v1/me').set(bearer('not.a.jwt')).expect(401)).body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('POST /me/password checks the current password and the policy, and ends the other sign-ins', async () => {
    const teacher = await newTeacher();
    const keep = (await loginRes(teacher.username, PASSWORD).expect(200)).body;
    const other = (await loginRes(teacher.username, PASSWORD).expect(200)).body;
    const change = (body: object) => t.http().post('/api/v1/me/password').set(bearer(keep.accessToken)).send(body);

    expect((await change({ currentPassword: 'Wrong2026pass', newPassword: 'Better2027pass' }).expect(422)).body.error.code).toBe(
      'CURRENT_PASSWORD_INCORRECT',
    );
    for (const weak of ['short1', 'onlyletters', '1234567890']) {
      expect((await change({ currentPassword: PASSWORD, newPassword: weak }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    }
    await change({ currentPassword: PASSWORD, newPassword: 'Better2027pass', refreshToken: keep.refreshToken }).expect(204);

    await refresh(other.refreshToken).expect(401);
    await refresh(keep.refreshToken).expect(200);
    await loginRes(teacher.username, PASSWORD).expect(401);
    await loginRes(teacher.username, 'Better2027pass').expect(200);
  });

  it('rejects unknown fields, malformed JSON and oversized bodies with their codes', async () => {
    const unknown = await t.http().post('/api/v1/auth/login').send({ username: 'city.admin', password: 'x', admin: true }).expect(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    const malformed = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"username": "a",').expect(400);
    expect(malformed.body.error.code).toBe('MALFORMED_JSON');
    const huge = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ username: 'city.admin', password: 'x'.repeat(2 * 1024 * 1024) })
      .expect(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(t.config.BODY_LIMIT_BYTES).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('auth: login rate limits', () => {
  let t: TestApp;
  const attempt = (username: string, password: string, ip: string) =>
    t.http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ username, password });

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '3', LOGIN_RATE_LIMIT_PER_IP: '5' });
  });
  afterAll(() => t?.close());

  it('limits attempts per username, whatever the address, and counts right and wrong passwords alike', async () => {
    await attempt('teacher.dongcheng', 'Wrong2026pass', '203.0.113.1').expect(401);
    await attempt('teacher.dongcheng', t.config.DEMO_PASSWORD, '203.0.113.2').expect(200);
    await attempt('teacher.dongcheng', 'Wrong2026pass', '203.0.113.3').expect(401);
    const limited = await attempt('teacher.dongcheng', t.config.DEMO_PASSWORD, '203.0.113.4').expect(429);
    expect(limited.body.error.code).toBe('AUTH_RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The same name in other spellings is the same key.
    await attempt(' Teacher.Dongcheng ', t.config.DEMO_PASSWORD, '203.0.113.5').expect(429);
    // Other accounts, even from an address already used, are not affected.
    await attempt('admin.dongcheng', t.config.DEMO_PASSWORD, '203.0.113.1').expect(200);
  });

  it('limits attempts per client address, whatever the usernames', async () => {
    const ip = '198.51.100.7';
    for (let i = 0; i < 5; i++) await attempt(`nobody.${unique()}`, 'Wrong2026pass', ip).expect(401);
    const limited = await attempt('admin.jianzhou', t.config.DEMO_PASSWORD, ip).expect(429);
    expect(limited.body.error.code).toBe('AUTH_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The account itself is fine from another address.
    await attempt('admin.jianzhou', t.config.DEMO_PASSWORD, '198.51.100.8').expect(200);
  });

  it('does not limit other routes', async () => {
    const token = await t.login('city.admin');
    for (let i = 0; i < 8; i++) await t.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
  });
});
