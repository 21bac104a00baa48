import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../utils/create-app';

// Specs may share one database (CI's MariaDB pass): created accounts get unique names; demo accounts are not changed.
const unique = () => randomBytes(3).toString('hex');
const randomPhone = () => `137${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
const PASSWORD = 'Spec2026pass';

interface Me {
  id: string;
  organization: { id: string; name: string; kind: string };
  county: { id: string; name: string } | null;
}

describe('users: create, list, read, update with scope', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const me: Record<string, Me> = {};
  let jianzhou: string; // school in 剑阁县
  let jiange: string; // the county
  let dongcheng: string; // school in 旺苍县
  let liemian: string; // external school (mentor side)
  let bureau: string; // 市教育局

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const createAs = (who: string, body: Record<string, unknown>) => t.http().post('/api/v1/users').set(as(who)).send(body);
  const newUser = (role: string, organizationId: string, extra: Record<string, unknown> = {}) => ({
    username: `spec.users.${unique()}`,
    password: PASSWORD,
    name: '新用户',
    role,
    organizationId,
    ...extra,
  });

  beforeAll(async () => {
    t = await createTestApp();
    for (const who of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'mentor.liemian']) {
      tokens[who] = await t.login(who);
      me[who] = (await t.http().get('/api/v1/me').set(as(who)).expect(200)).body;
    }
    jianzhou = me['admin.jianzhou'].organization.id;
    jiange = me['county.jiange'].organization.id;
    dongcheng = me['admin.dongcheng'].organization.id;
    liemian = me['mentor.liemian'].organization.id;
    bureau = me['city.admin'].organization.id;
  });
  afterAll(() => t?.close());

  describe('POST /users', () => {
    it('a city admin creates accounts anywhere; the new user can sign in', async () => {
      const phone = randomPhone();
      const body = newUser('teacher', dongcheng, { phone, subject: '化学' });
      const res = await createAs('city.admin', body).expect(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        username: body.username,
        name: '新用户',
        role: 'teacher',
        roleLabel: '教师/教研员',
        phone,
        subject: '化学',
        active: true,
        lastLoginAt: null,
        organization: { id: dongcheng, name: '旺苍东城中学', kind: 'school' },
        county: { name: '旺苍县' },
      });
      expect(res.body).not.toHaveProperty('passwordHash');
      expect(res.body).not.toHaveProperty('password');
      await t.http().post('/api/v1/auth/login').send({ username: body.username, password: PASSWORD }).expect(200);
      await createAs('city.admin', newUser('mentor', liemian)).expect(201);
      await createAs('city.admin', newUser('county_admin', jiange)).expect(201);
    });

    it('stores usernames in lower case', async () => {
      const username = `Spec.Upper.${unique()}`;
      const res = await createAs('city.admin', { ...newUser('teacher', jianzhou), username }).expect(201);
      expect(res.body.username).toBe(username.toLowerCase());
    });

    it('a county admin: school roles in the schools of their county only', async () => {
      await createAs('county.jiange', newUser('teacher', jianzhou)).expect(201);
      await createAs('county.jiange', newUser('school_admin', jianzhou)).expect(201);
      await createAs('county.jiange', newUser('mentor', jianzhou)).expect(201);
      const out = await createAs('county.jiange', newUser('teacher', dongcheng)).expect(403);
      expect(out.body.error.code).toBe('OUT_OF_SCOPE');
      const role = await createAs('county.jiange', newUser('county_admin', jiange)).expect(403);
      expect(role.body.error.code).toBe('ACCESS_DENIED');
    });

    it('a school admin: teachers and school admins of their own school only', async () => {
      await createAs('admin.jianzhou', newUser('teacher', jianzhou)).expect(201);
      await createAs('admin.jianzhou', newUser('school_admin', jianzhou)).expect(201);
      expect((await createAs('admin.jianzhou', newUser('teacher', dongcheng)).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await createAs('admin.jianzhou', newUser('mentor', jianzhou)).expect(403)).body.error.code).toBe('ACCESS_DENIED');
    });

    it('teachers and mentors may not create accounts', async () => {
      expect((await createAs('teacher.jianzhou', newUser('teacher', jianzhou)).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await createAs('mentor.liemian', newUser('mentor', liemian)).expect(403)).body.error.code).toBe('ACCESS_DENIED');
    });

    it('the role must fit the kind of organization: 422 ROLE_NOT_ALLOWED_FOR_ORGANIZATION', async () => {
      for (const [role, org] of [
        ['teacher', jiange],
        ['county_admin', jianzhou],
        ['city_admin', jianzhou],
        ['school_admin', liemian],
        ['mentor', bureau],
      ] as const) {
        const res = await createAs('city.admin', newUser(role, org)).expect(422);
        expect(res.body.error.code).toBe('ROLE_NOT_ALLOWED_FOR_ORGANIZATION');
      }
    });

    it('duplicate username → 409 USERNAME_TAKEN, duplicate phone → 409 PHONE_TAKEN', async () => {
      const taken = await createAs('city.admin', { ...newUser('teacher', jianzhou), username: 'teacher.jianzhou' }).expect(409);
      expect(taken.body.error.code).toBe('USERNAME_TAKEN');
      const phone = randomPhone();
      await createAs('city.admin', newUser('teacher', jianzhou, { phone })).expect(201);
      const dup = await createAs('city.admin', newUser('teacher', jianzhou, { phone })).expect(409);
      expect(dup.body.error.code).toBe('PHONE_TAKEN');
    });

    it('validates the body: unknown fields, weak passwords, bad usernames and phones → 400 VALIDATION_FAILED', async () => {
      for (const body of [
        { ...newUser('teacher', jianzhou), isAdmin: true },
        { ...newUser('teacher', jianzhou), password: 'abcdefgh' },
        { ...newUser('teacher', jianzhou), password: 'Ab1' },
        { ...newUser('teacher', jianzhou), username: '13800138000' },
        { ...newUser('teacher', jianzhou), username: 'a b' },
        { ...newUser('teacher', jianzhou), phone: '12345' },
        { ...newUser('teacher', jianzhou), name: '名'.repeat(51) },
        { ...newUser('teacher', jianzhou), role: 'superuser' },
      ]) {
        const res = await createAs('city.admin', body).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('an unknown organization → 404 ORGANIZATION_NOT_FOUND', async () => {
      expect((await createAs('city.admin', newUser('teacher', randomUUID())).expect(404)).body.error.code).toBe('ORGANIZATION_NOT_FOUND');
    });

    it('malformed JSON → 400 MALFORMED_JSON; a 2 MB body → 413 PAYLOAD_TOO_LARGE', async () => {
      const malformed = await t.http().post('/api/v1/users').set(as('city.admin')).set('Content-Type', 'application/json').send('{"username":').expect(400);
      expect(malformed.body.error.code).toBe('MALFORMED_JSON');
      const huge = await createAs('city.admin', { ...newUser('teacher', jianzhou), name: '长'.repeat(1024 * 1024) }).expect(413);
      expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('GET /users', () => {
    const list = (who: string, query: Record<string, string | number> = {}) => t.http().get('/api/v1/users').set(as(who)).query(query);

    it('a city admin sees everyone and can filter by organization, role and text', async () => {
      const all = await list('city.admin', { limit: 100 }).expect(200);
      expect(all.body).toMatchObject({ page: 1, limit: 100 });
      expect(all.body.total).toBeGreaterThanOrEqual(7);
      const names = all.body.items.map((u: { username: string }) => u.username);
      expect(names).toEqual(expect.arrayContaining(['city.admin', 'county.jiange', 'admin.dongcheng']));

      const school = await list('city.admin', { organizationId: jianzhou, role: 'teacher', limit: 100 }).expect(200);
      expect(school.body.items.length).toBeGreaterThan(0);
      for (const u of school.body.items) expect(u).toMatchObject({ role: 'teacher', organization: { id: jianzhou } });

      const found = await list('city.admin', { q: '刘晓燕' }).expect(200);
      expect(found.body.items.map((u: { username: string }) => u.username)).toContain('teacher.jianzhou');
      const none = await list('city.admin', { q: '%' }).expect(200);
      expect(none.body.items.every((u: { username: string; name: string }) => `${u.username}${u.name}`.includes('%'))).toBe(true);
    });

    it('a county admin sees their county only', async () => {
      const res = await list('county.jiange', { limit: 100 }).expect(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      for (const u of res.body.items) expect(u.organization.id === jiange || u.county?.id === jiange).toBe(true);
      expect(res.body.items.map((u: { username: string }) => u.username)).not.toContain('admin.dongcheng');
      expect((await list('county.jiange', { organizationId: dongcheng }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
    });

    it('a teacher sees their own organization only', async () => {
      const res = await list('teacher.jianzhou', { limit: 100 }).expect(200);
      for (const u of res.body.items) expect(u.organization.id).toBe(jianzhou);
      expect((await list('teacher.jianzhou', { organizationId: dongcheng }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
    });

    it('pages with a bounded limit', async () => {
      const page = await list('city.admin', { limit: 2, page: 2 }).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.body).toMatchObject({ page: 2, limit: 2 });
      expect((await list('city.admin', { limit: 101 }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      expect((await list('city.admin', { role: 'boss' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET /users/:id', () => {
    it('is scope-checked against the user\'s organization', async () => {
      const dongchengAdmin = me['admin.dongcheng'].id;
      const teacher = me['teacher.jianzhou'].id;
      await t.http().get(`/api/v1/users/${dongchengAdmin}`).set(as('city.admin')).expect(200);
      expect((await t.http().get(`/api/v1/users/${dongchengAdmin}`).set(as('county.jiange')).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      await t.http().get(`/api/v1/users/${teacher}`).set(as('county.jiange')).expect(200);
      await t.http().get(`/api/v1/users/${teacher}`).set(as('admin.jianzhou')).expect(200);
      expect((await t.http().get(`/api/v1/users/${teacher}`).set(as('admin.dongcheng')).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      await t.http().get(`/api/v1/users/${me['mentor.liemian'].id}`).set(as('mentor.liemian')).expect(200);
    });

    it('404 USER_NOT_FOUND for an unknown id, 400 for a malformed one', async () => {
      expect((await t.http().get(`/api/v1/users/${randomUUID()}`).set(as('city.admin')).expect(404)).body.error.code).toBe('USER_NOT_FOUND');
      expect((await t.http().get('/api/v1/users/not-an-id').set(as('city.admin')).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('PATCH /users/:id', () => {
    const patchAs = (who: string, id: string, body: Record<string, unknown>) => t.http().patch(`/api/v1/users/${id}`).set(as(who)).send(body);

    it('a school admin edits a teacher of their school; not the role; not other schools', async () => {
      const created = (await createAs('admin.jianzhou', newUser('teacher', jianzhou)).expect(201)).body;
      const phone = randomPhone();
      const res = await patchAs('admin.jianzhou', created.id, { name: '改过的名字', phone, subject: '英语' }).expect(200);
      expect(res.body).toMatchObject({ name: '改过的名字', phone, subject: '英语', role: 'teacher' });
      expect((await patchAs('admin.jianzhou', created.id, { phone: null }).expect(200)).body.phone).toBeNull();
      expect((await patchAs('admin.jianzhou', created.id, { role: 'school_admin' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await patchAs('admin.dongcheng', created.id, { name: 'x' }).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await patchAs('teacher.jianzhou', created.id, { name: 'x' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await patchAs('admin.jianzhou', created.id, { name: null }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      expect((await patchAs('admin.jianzhou', created.id, { username: 'renamed' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    });

    it('only a city admin changes roles, and the new role must fit the organization', async () => {
      const created = (await createAs('city.admin', newUser('teacher', jianzhou)).expect(201)).body;
      expect((await patchAs('county.jiange', created.id, { role: 'school_admin' }).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await patchAs('city.admin', created.id, { role: 'county_admin' }).expect(422)).body.error.code).toBe(
        'ROLE_NOT_ALLOWED_FOR_ORGANIZATION',
      );
      const res = await patchAs('city.admin', created.id, { role: 'school_admin' }).expect(200);
      expect(res.body).toMatchObject({ role: 'school_admin', roleLabel: '学校管理员' });
    });

    it('a phone already used by someone else → 409 PHONE_TAKEN', async () => {
      const phone = randomPhone();
      await createAs('city.admin', newUser('teacher', jianzhou, { phone })).expect(201);
      const other = (await createAs('city.admin', newUser('teacher', jianzhou)).expect(201)).body;
      expect((await patchAs('city.admin', other.id, { phone }).expect(409)).body.error.code).toBe('PHONE_TAKEN');
    });

    it('disabling an account ends its sign-ins; users may edit themselves but not disable themselves', async () => {
      const body = newUser('teacher', jianzhou);
      const created = (await createAs('county.jiange', body).expect(201)).body;
      const session = (await t.http().post('/api/v1/auth/login').send({ username: body.username, password: PASSWORD }).expect(200)).body;
      const self = { Authorization: `Bearer ${session.accessToken}` };
      const mine = await t.http().patch(`/api/v1/users/${created.id}`).set(self).send({ name: '自己改名', subject: '历史' }).expect(200);
      expect(mine.body).toMatchObject({ name: '自己改名', subject: '历史' });
      const selfDisable = await t.http().patch(`/api/v1/users/${created.id}`).set(self).send({ active: false }).expect(422);
      expect(selfDisable.body.error.code).toBe('CANNOT_DEACTIVATE_SELF');
      const selfPromote = await t.http().patch(`/api/v1/users/${created.id}`).set(self).send({ role: 'school_admin' }).expect(403);
      expect(selfPromote.body.error.code).toBe('ACCESS_DENIED');

      expect((await patchAs('county.jiange', created.id, { active: false }).expect(200)).body.active).toBe(false);
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
      const login = await t.http().post('/api/v1/auth/login').send({ username: body.username, password: PASSWORD }).expect(403);
      expect(login.body.error.code).toBe('AUTH_ACCOUNT_DISABLED');
      await patchAs('county.jiange', created.id, { active: true }).expect(200);
      await t.http().post('/api/v1/auth/login').send({ username: body.username, password: PASSWORD }).expect(200);
    });
  });

  describe('POST /users/:id/password (an administrator resets a forgotten password)', () => {
    const NEW_PASSWORD = 'Reset2026pass';
    const resetAs = (who: string, id: string, newPassword = NEW_PASSWORD) => t.http().post(`/api/v1/users/${id}/password`).set(as(who)).send({ newPassword });
    const signInAs = (username: string, password: string) => t.http().post('/api/v1/auth/login').send({ username, password });

    it("a school admin resets a teacher's password: the new one signs in, the old one and every old sign-in end", async () => {
      const body = newUser('teacher', jianzhou);
      const created = (await createAs('admin.jianzhou', body).expect(201)).body;
      const session = (await signInAs(body.username, PASSWORD).expect(200)).body;

      await resetAs('admin.jianzhou', created.id).expect(204);
      expect((await signInAs(body.username, PASSWORD).expect(401)).body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
      await t.http().post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
      await signInAs(body.username, NEW_PASSWORD).expect(200);
    });

    it('follows the account-management scope: county and city admins may, other schools, teachers and mentors may not', async () => {
      const body = newUser('teacher', jianzhou);
      const created = (await createAs('city.admin', body).expect(201)).body;
      expect((await resetAs('admin.dongcheng', created.id).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
      expect((await resetAs('teacher.jianzhou', created.id).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      expect((await resetAs('mentor.liemian', created.id).expect(403)).body.error.code).toBe('ACCESS_DENIED');
      await signInAs(body.username, PASSWORD).expect(200); // none of those changed it
      await resetAs('county.jiange', created.id, 'County2026pass').expect(204);
      await signInAs(body.username, 'County2026pass').expect(200);
      await resetAs('city.admin', created.id, 'City2026pass').expect(204);
      await signInAs(body.username, 'City2026pass').expect(200);

      // A school admin may not reset a county coordinator's password, outside the school's reach.
      const countyBody = newUser('county_admin', jiange);
      const county = (await createAs('city.admin', countyBody).expect(201)).body;
      expect((await resetAs('admin.jianzhou', county.id).expect(403)).body.error.code).toBe('OUT_OF_SCOPE');
    });

    it('refuses a weak password, an unknown account and one\'s own account with stable codes', async () => {
      const body = newUser('teacher', jianzhou);
      const created = (await createAs('admin.jianzhou', body).expect(201)).body;
      expect((await resetAs('admin.jianzhou', created.id, 'short').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
      expect((await resetAs('admin.jianzhou', randomUUID()).expect(404)).body.error.code).toBe('USER_NOT_FOUND');
      expect((await resetAs('admin.jianzhou', me['admin.jianzhou'].id).expect(422)).body.error.code).toBe('CANNOT_RESET_OWN_PASSWORD');
      await signInAs(body.username, PASSWORD).expect(200);
    });
  });
});
