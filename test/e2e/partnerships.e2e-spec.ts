import { randomBytes } from 'node:crypto';
import { addDays, Principal, ScopeTargetLoader, shanghaiDate } from '@app/platform';
import { PartnershipsService } from '@app/domain';
import { schoolTermOf } from '@app/domain/partnerships/partnership-rules';
import { createTestApp, TestApp } from '../utils/create-app';

// The e2e project's testTimeout does not reach the tests (it is not a per-project option in Jest), and booting the
// app plus creating accounts takes longer than the 5 s default on a busy machine or on MariaDB.
jest.setTimeout(120_000);

const BASE = '/api/v1/partnerships';
const PASSWORD = 'Spec2026pass';

/**
 * Partnerships through the HTTP API as the demo users plus accounts and schools this spec creates (unique names),
 * so the MariaDB pass of CI, where specs share one database, is unaffected: the seeded partnerships are only
 * read, and every partnership created here is concluded at the end (concluded ones grant no mentor scope).
 */
describe('partnerships', () => {
  let t: TestApp;
  const sfx = randomBytes(3).toString('hex');
  const tokens: Record<string, string> = {};
  const principals: Record<string, Principal> = {};
  const org: Record<string, string> = {};
  const created: string[] = [];
  const today = shanghaiDate();

  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, path: string) => t.http().get(path).set(as(who));
  const post = (who: string, path: string, body: object) => t.http().post(path).set(as(who)).send(body);
  const patch = (who: string, path: string, body: object) => t.http().patch(path).set(as(who)).send(body);
  const code = (res: { body: { error?: { code?: string } } }) => res.body.error?.code;

  async function orgId(name: string): Promise<string> {
    const res = await get('city.admin', '/api/v1/organizations').query({ q: name, limit: 100 }).expect(200);
    const hit = res.body.items.find((o: { name: string }) => o.name === name);
    if (!hit) throw new Error(`organization ${name} not found`);
    return hit.id;
  }
  async function createOrg(key: string, body: object): Promise<void> {
    const res = await post('city.admin', '/api/v1/organizations', body).expect(201);
    org[key] = res.body.id;
  }
  async function createUser(username: string, role: string, organizationId: string): Promise<void> {
    await post('city.admin', '/api/v1/users', { username, password: PASSWORD, name: `测试${role}${sfx}`, role, organizationId }).expect(201);
    tokens[username] = await t.login(username, PASSWORD);
    principals[username] = await principalOf(username);
  }
  async function principalOf(username: string): Promise<Principal> {
    const me = (await get(username, '/api/v1/me').expect(200)).body;
    return { userId: me.id, username, role: me.role, organizationId: me.organization.id, countyId: me.county?.id ?? null };
  }
  async function seeded(name: string) {
    const res = await get('city.admin', BASE).query({ limit: 100 }).expect(200);
    const hit = res.body.items.find((p: { name: string }) => p.name === name);
    if (!hit) throw new Error(`partnership ${name} not seeded`);
    return hit;
  }
  const grants = (username: string) => t.app.get(ScopeTargetLoader).extraOrganizationIds(principals[username]);
  const newPartnership = async (body: object) => {
    const res = await post('city.admin', BASE, body);
    if (res.status === 201) created.push(res.body.id);
    return res;
  };

  const LIEMIAN = '广安烈面中学 → 剑州中学（组团式帮扶）';
  const ANYUE = '资阳安岳中学 → 旺苍东城中学（组团式帮扶）';
  const BUCT = '北京化工大学 → 剑门关高中（托管帮扶）';
  const U = {
    mentorA: `spec.pm.a.${sfx}`,
    mentorB: `spec.pm.b.${sfx}`,
    adminS1: `spec.pa.s1.${sfx}`,
    teacherS1: `spec.pt.s1.${sfx}`,
    countyWangcang: `spec.pc.wc.${sfx}`,
  };

  beforeAll(async () => {
    t = await createTestApp();
    for (const who of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'teacher.dongcheng', 'mentor.liemian']) {
      tokens[who] = await t.login(who);
      principals[who] = await principalOf(who);
    }
    for (const name of ['剑阁县', '旺苍县', '剑州中学', '旺苍东城中学', '剑门关高中', '广安烈面中学']) org[name] = await orgId(name);
    await createOrg('S1', { name: `测试受援学校一-${sfx}`, kind: 'school', countyId: org['剑阁县'], isWeak: true });
    await createOrg('S2', { name: `测试受援学校二-${sfx}`, kind: 'school', countyId: org['剑阁县'], isWeak: true });
    await createOrg('S3', { name: `测试旺苍学校-${sfx}`, kind: 'school', countyId: org['旺苍县'] });
    await createOrg('MA', { name: `测试帮扶学校甲-${sfx}`, kind: 'external_school', location: '成都市' });
    await createOrg('MB', { name: `测试帮扶学校乙-${sfx}`, kind: 'external_school', location: '绵阳市' });
    await createUser(U.mentorA, 'mentor', org.MA);
    await createUser(U.mentorB, 'mentor', org.MB);
    await createUser(U.adminS1, 'school_admin', org.S1);
    await createUser(U.teacherS1, 'teacher', org.S1);
    await createUser(U.countyWangcang, 'county_admin', org['旺苍县']);
  });

  afterAll(async () => {
    // Leave nothing active behind: concluded partnerships grant no scope and count as inactive everywhere.
    for (const id of created) {
      const res = await get('city.admin', `${BASE}/${id}`);
      if (res.body.status === 'proposed') await post('city.admin', `${BASE}/${id}/transitions`, { to: 'active', reason: '测试收尾' });
      if (res.body.status !== 'concluded') await post('city.admin', `${BASE}/${id}/transitions`, { to: 'concluded', reason: '测试收尾' });
    }
    await t?.close();
  });

  describe('the three seeded partnerships of the policy', () => {
    it('are active, with a current term, goals, obligations, a fund and (group aid) a dispatched team', async () => {
      const term = schoolTermOf(today);
      for (const [name, kind, mentor, member, team] of [
        [LIEMIAN, 'group_aid', '广安烈面中学', '剑州中学', 3],
        [ANYUE, 'group_aid', '资阳安岳中学', '旺苍东城中学', 3],
        [BUCT, 'trusteeship', '北京化工大学', '剑门关高中', 0],
      ] as const) {
        const item = await seeded(name);
        const detail = (await get('city.admin', `${BASE}/${item.id}`).expect(200)).body;
        expect(detail).toMatchObject({ name, kind, status: 'active', statusLabel: '实施中' });
        expect(detail.mentorSide.map((p: { organizationName: string }) => p.organizationName)).toEqual([mentor]);
        expect(detail.memberSide.map((p: { organizationName: string }) => p.organizationName)).toEqual([member]);
        expect(detail.goals.length).toBeGreaterThanOrEqual(3);
        expect(detail.startDate <= today && today <= detail.endDate).toBe(true);
        expect(detail.currentTerm).toMatchObject({ label: term.label, startDate: term.startDate, endDate: term.endDate, current: true });
        expect(detail.currentTerm.obligations.map((o: { kind: string; target: number }) => [o.kind, o.target])).toEqual([
          ['joint_research_session', 4],
          ['onsite_visit', 2],
          ['resource_push', 20],
        ]);
        expect(detail.fund.budget).toBeGreaterThan(0);
        expect(detail.fund.disbursed).toBeGreaterThan(0);
        expect(detail.fund.remaining).toBe(detail.fund.budget - detail.fund.disbursed);
        expect(detail.team).toHaveLength(team);
        expect(detail.transitions.map((x: { from: string | null; to: string }) => [x.from, x.to])).toEqual([
          [null, 'proposed'],
          ['proposed', 'active'],
        ]);
      }
    });

    it('count visits, joint research sessions and resource pushes from real records', async () => {
      const { id } = await seeded(LIEMIAN);
      const res = await get('admin.jianzhou', `${BASE}/${id}/obligations`).expect(200);
      const byKind = Object.fromEntries(res.body.term.obligations.map((o: { kind: string }) => [o.kind, o]));
      expect(byKind.onsite_visit).toMatchObject({ source: 'recorded', label: '到校指导' });
      expect(byKind.onsite_visit.done).toBeGreaterThanOrEqual(1);
      // Joint research sessions are counted from real sessions (research/sessions registers the counter).
      expect(byKind.joint_research_session).toMatchObject({ source: 'recorded' });
      expect(byKind.joint_research_session.state).not.toBe('not_tracked');
      // Resource pushes are counted from real pushes (resources/pushes registers the counter).
      expect(byKind.resource_push).toMatchObject({ source: 'recorded', label: '资源推送' });
      expect(byKind.resource_push.state).not.toBe('not_tracked');
      expect(['on_track', 'at_risk', 'behind']).toContain(res.body.health.status);
      const visits = await get('admin.jianzhou', `${BASE}/${id}/visits`).expect(200);
      expect(visits.body.items.length).toBeGreaterThanOrEqual(1);
      expect(visits.body.items[0]).toMatchObject({ schoolId: org['剑州中学'], schoolName: '剑州中学' });
    });
  });

  describe('reading: who sees which partnership', () => {
    it('shows school admins and teachers their own school’s partnerships and refuses others with 403', async () => {
      const liemian = await seeded(LIEMIAN);
      const anyue = await seeded(ANYUE);
      for (const who of ['admin.jianzhou', 'teacher.jianzhou']) {
        await get(who, `${BASE}/${liemian.id}`).expect(200);
        const res = await get(who, `${BASE}/${anyue.id}`).expect(403);
        expect(code(res)).toBe('OUT_OF_SCOPE');
        const list = await get(who, BASE).query({ limit: 100 }).expect(200);
        expect(list.body.items.map((p: { id: string }) => p.id)).toContain(liemian.id);
        for (const p of list.body.items) {
          expect([...p.mentorSide, ...p.memberSide].map((x: { organizationId: string }) => x.organizationId)).toContain(org['剑州中学']);
        }
      }
      for (const who of ['admin.dongcheng', 'teacher.dongcheng']) {
        expect(code(await get(who, `${BASE}/${liemian.id}`).expect(403))).toBe('OUT_OF_SCOPE');
        await get(who, `${BASE}/${anyue.id}`).expect(200);
        // sub-resources follow the same rule
        expect(code(await get(who, `${BASE}/${liemian.id}/team`).expect(403))).toBe('OUT_OF_SCOPE');
        expect(code(await get(who, `${BASE}/${liemian.id}/fund`).expect(403))).toBe('OUT_OF_SCOPE');
      }
    });

    it('shows a mentor the partnerships of their side only', async () => {
      const liemian = await seeded(LIEMIAN);
      const anyue = await seeded(ANYUE);
      await get('mentor.liemian', `${BASE}/${liemian.id}`).expect(200);
      expect(code(await get('mentor.liemian', `${BASE}/${anyue.id}`).expect(403))).toBe('OUT_OF_SCOPE');
      const list = await get('mentor.liemian', BASE).query({ limit: 100 }).expect(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toContain(liemian.id);
      expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(anyue.id);
    });

    it('shows a county coordinator the partnerships with a member school in their county', async () => {
      const liemian = await seeded(LIEMIAN);
      const buct = await seeded(BUCT);
      const anyue = await seeded(ANYUE);
      await get('county.jiange', `${BASE}/${liemian.id}`).expect(200);
      await get('county.jiange', `${BASE}/${buct.id}`).expect(200);
      expect(code(await get('county.jiange', `${BASE}/${anyue.id}`).expect(403))).toBe('OUT_OF_SCOPE');
      const list = await get('county.jiange', BASE).query({ limit: 100 }).expect(200);
      const ids = list.body.items.map((p: { id: string }) => p.id);
      expect(ids).toEqual(expect.arrayContaining([liemian.id, buct.id]));
      expect(ids).not.toContain(anyue.id);
      for (const p of list.body.items) expect(p.memberSide.some((m: { countyId: string }) => m.countyId === org['剑阁县'])).toBe(true);
    });

    it('answers 404 with a code for an unknown id, 401 without sign-in, 400 for an unbounded page', async () => {
      expect(code(await get('city.admin', `${BASE}/00000000-0000-0000-0000-000000000000`).expect(404))).toBe('PARTNERSHIP_NOT_FOUND');
      expect(code(await get('city.admin', `${BASE}/00000000-0000-0000-0000-000000000000/fund`).expect(404))).toBe('PARTNERSHIP_NOT_FOUND');
      expect(code(await t.http().get(BASE).expect(401))).toBe('AUTH_REQUIRED');
      expect(code(await get('city.admin', BASE).query({ limit: 1000 }).expect(400))).toBe('VALIDATION_FAILED');
      expect(code(await get('city.admin', BASE).query({ status: 'paused' }).expect(400))).toBe('VALIDATION_FAILED');
    });

    it('filters by kind, status, county and school', async () => {
      const liemian = await seeded(LIEMIAN);
      const buct = await seeded(BUCT);
      const res = await get('city.admin', BASE).query({ kind: 'group_aid', status: 'active', countyId: org['剑阁县'], limit: 100 }).expect(200);
      const ids = res.body.items.map((p: { id: string }) => p.id);
      expect(ids).toContain(liemian.id);
      expect(ids).not.toContain(buct.id);
      for (const p of res.body.items) expect(p).toMatchObject({ kind: 'group_aid', status: 'active' });
      const bySchool = await get('city.admin', BASE).query({ schoolId: org['剑门关高中'], limit: 100 }).expect(200);
      expect(bySchool.body.items.map((p: { id: string }) => p.id)).toContain(buct.id);
      expect(bySchool.body.items.map((p: { id: string }) => p.id)).not.toContain(liemian.id);
      const paged = await get('city.admin', BASE).query({ limit: 1, page: 1 }).expect(200);
      expect(paged.body).toMatchObject({ page: 1, limit: 1 });
      expect(paged.body.items).toHaveLength(1);
      expect(paged.body.total).toBeGreaterThanOrEqual(3);
    });

    it('widens the demo mentor’s scope to 剑州中学 only (ScopeGrants)', async () => {
      const extra = await grants('mentor.liemian');
      expect(extra).toContain(org['剑州中学']);
      expect(extra).not.toContain(org['旺苍东城中学']);
      expect(await grants('admin.jianzhou')).toEqual([]);
    });
  });

  describe('creating, editing and moving a partnership through its statuses', () => {
    let id: string;
    const base = () => ({
      kind: 'group_aid',
      startDate: addDays(today, -60),
      endDate: addDays(today, 700),
      mentorOrganizationIds: [org.MA],
      memberOrganizationIds: [org.S1],
    });

    it('lets only the city create one; it starts proposed with a creation record', async () => {
      for (const who of ['county.jiange', 'admin.jianzhou', 'teacher.jianzhou', U.mentorA]) {
        expect(code(await post(who, BASE, base()).expect(403))).toBe('ACCESS_DENIED');
      }
      const res = await newPartnership({ ...base(), goals: [' 完善管理制度 ', '联合教研每学期4次'], fundBudget: 1000 });
      expect(res.status).toBe(201);
      id = res.body.id;
      expect(res.body).toMatchObject({
        name: `测试帮扶学校甲-${sfx} → 测试受援学校一-${sfx}（组团式帮扶）`,
        kind: 'group_aid',
        kindLabel: '组团式帮扶',
        status: 'proposed',
        goals: ['完善管理制度', '联合教研每学期4次'],
        fund: { budget: 1000, disbursed: 0, remaining: 1000 },
        health: { status: 'inactive' },
        allowedTransitions: ['active'],
        permissions: { manage: true, logVisits: true },
      });
      expect(res.body.transitions).toEqual([
        expect.objectContaining({ seq: 1, from: null, to: 'proposed', actorId: principals['city.admin'].userId, actorName: '李建国', reason: '建立帮扶关系' }),
      ]);
      expect(Date.parse(res.body.transitions[0].at)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('refuses bad input with a code and writes nothing', async () => {
      const cases: [object, number, string][] = [
        [{ ...base(), endDate: addDays(today, -61) }, 422, 'PARTNERSHIP_DATE_RANGE_INVALID'],
        [{ ...base(), startDate: '2025-02-30' }, 400, 'VALIDATION_FAILED'],
        [{ ...base(), memberOrganizationIds: ['00000000-0000-0000-0000-000000000000'] }, 404, 'ORGANIZATION_NOT_FOUND'],
        [{ ...base(), memberOrganizationIds: [org.MB] }, 422, 'PARTNERSHIP_PARTIES_INVALID'],
        [{ ...base(), memberOrganizationIds: [org.MA] }, 422, 'PARTNERSHIP_PARTIES_INVALID'],
        [{ ...base(), mentorOrganizationIds: [org['剑阁县']] }, 422, 'PARTNERSHIP_PARTIES_INVALID'],
        [{ ...base(), kind: 'teacher_pairing' }, 422, 'PARTNERSHIP_PARTIES_INVALID'],
        [{ ...base(), kind: 'education_group', mentorOrganizationIds: [org.S2] }, 422, 'PARTNERSHIP_GROUP_MODEL_INVALID'],
        [{ ...base(), kind: 'education_group', mentorOrganizationIds: [org.S2], groupModel: 'quality_several_weak' }, 422, 'PARTNERSHIP_GROUP_MODEL_INVALID'],
        [{ ...base(), groupModel: 'urban_rural' }, 422, 'PARTNERSHIP_GROUP_MODEL_INVALID'],
        [{ ...base(), fundBudget: 10.001 }, 400, 'VALIDATION_FAILED'],
        [{ ...base(), goals: ['x'.repeat(301)] }, 400, 'VALIDATION_FAILED'],
        [{ ...base(), status: 'active' }, 400, 'VALIDATION_FAILED'],
        [{ ...base(), name: `测试帮扶学校甲-${sfx} → 测试受援学校一-${sfx}（组团式帮扶）` }, 409, 'PARTNERSHIP_NAME_TAKEN'],
      ];
      for (const [body, status, expected] of cases) {
        const res = await newPartnership(body);
        expect({ status: res.status, code: code(res) }).toEqual({ status, code: expected });
      }
      const mine = await get('city.admin', BASE).query({ schoolId: org.S1, limit: 100 }).expect(200);
      expect(mine.body.items.map((p: { id: string }) => p.id)).toEqual([id]);
    });

    it('lets the parties read it and nobody else', async () => {
      for (const who of [U.adminS1, U.teacherS1, U.mentorA, 'county.jiange']) await get(who, `${BASE}/${id}`).expect(200);
      for (const who of ['admin.jianzhou', 'teacher.jianzhou', U.mentorB, 'mentor.liemian', U.countyWangcang]) {
        expect(code(await get(who, `${BASE}/${id}`).expect(403))).toBe('OUT_OF_SCOPE');
      }
      const teacherView = (await get(U.teacherS1, `${BASE}/${id}`).expect(200)).body;
      expect(teacherView.permissions).toEqual({ manage: false, logVisits: false });
    });

    it('refuses a fund disbursement and a visit while proposed', async () => {
      expect(code(await post('city.admin', `${BASE}/${id}/disbursements`, { amount: 10, purpose: '测试拨付', disbursedOn: today }).expect(409))).toBe('PARTNERSHIP_NOT_ACTIVE');
      expect(code(await post(U.mentorA, `${BASE}/${id}/visits`, { schoolId: org.S1, visitDate: today, visitors: '甲', purpose: '到校指导' }).expect(409))).toBe('PARTNERSHIP_NOT_ACTIVE');
    });

    it('refuses illegal transitions with 409 and a stable code, and non-managers with 403', async () => {
      for (const to of ['suspended', 'concluded', 'proposed']) {
        const res = await post('city.admin', `${BASE}/${id}/transitions`, { to, reason: '测试非法变更' }).expect(409);
        expect(res.body.error).toMatchObject({ code: 'PARTNERSHIP_TRANSITION_NOT_ALLOWED', details: { from: 'proposed', to, allowed: ['active'] } });
      }
      expect(code(await post('city.admin', `${BASE}/${id}/transitions`, { to: 'active' }).expect(400))).toBe('VALIDATION_FAILED');
      expect(code(await post('city.admin', `${BASE}/${id}/transitions`, { to: 'paused', reason: '原因原因' }).expect(400))).toBe('VALIDATION_FAILED');
      for (const who of [U.adminS1, U.teacherS1, U.mentorA]) {
        expect(code(await post(who, `${BASE}/${id}/transitions`, { to: 'active', reason: '越权启动' }).expect(403))).toBe('ACCESS_DENIED');
      }
      expect(code(await post(U.countyWangcang, `${BASE}/${id}/transitions`, { to: 'active', reason: '越权启动' }).expect(403))).toBe('OUT_OF_SCOPE');
      expect(code(await post('city.admin', `${BASE}/00000000-0000-0000-0000-000000000000/transitions`, { to: 'active', reason: '不存在' }).expect(404))).toBe(
        'PARTNERSHIP_NOT_FOUND',
      );
      expect((await get('city.admin', `${BASE}/${id}`).expect(200)).body.transitions).toHaveLength(1);
    });

    it('lets the county coordinator of a member school activate it; records who, when and why; notifies the school’s admins', async () => {
      expect(await grants(U.mentorA)).not.toContain(org.S1);
      const before = Date.now();
      const res = await post('county.jiange', `${BASE}/${id}/transitions`, { to: 'active', reason: '县教育局批准启动帮扶' }).expect(201);
      expect(res.body).toMatchObject({ status: 'active', allowedTransitions: ['suspended', 'concluded'] });
      const history = (await get(U.teacherS1, `${BASE}/${id}/transitions`).expect(200)).body.items;
      expect(history).toHaveLength(2);
      expect(history[1]).toMatchObject({ seq: 2, from: 'proposed', to: 'active', reason: '县教育局批准启动帮扶', actorId: principals['county.jiange'].userId, actorName: '王志强', actorRole: 'county_admin' });
      expect(Date.parse(history[1].at)).toBeGreaterThanOrEqual(before - 1000);

      const inbox = (await get(U.adminS1, '/api/v1/notifications').expect(200)).body.items;
      expect(inbox).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'partnership.status_changed', link: { kind: 'partnership', id } })]));
      // teachers and other schools' admins are not notified
      const teacherInbox = (await get(U.teacherS1, '/api/v1/notifications').expect(200)).body.items;
      expect(teacherInbox.filter((n: { link: { id: string } | null }) => n.link?.id === id)).toEqual([]);

      // an active partnership gives its mentors scope over the member schools
      expect(await grants(U.mentorA)).toContain(org.S1);
      expect(await grants(U.mentorB)).not.toContain(org.S1);
    });

    it('suspends and resumes, withdrawing and restoring the mentors’ scope', async () => {
      // two coordinators suspending at the same moment: one wins, the other is told it is no longer allowed
      const race = await Promise.all([
        post('city.admin', `${BASE}/${id}/transitions`, { to: 'suspended', reason: '帮扶团队轮换，暂停一个月' }),
        post('county.jiange', `${BASE}/${id}/transitions`, { to: 'suspended', reason: '县里同时申请暂停' }),
      ]);
      expect(race.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(code(race.find((r) => r.status === 409)!)).toBe('PARTNERSHIP_TRANSITION_NOT_ALLOWED');
      expect(await grants(U.mentorA)).not.toContain(org.S1);
      expect(code(await post(U.mentorA, `${BASE}/${id}/visits`, { schoolId: org.S1, visitDate: today, visitors: '甲', purpose: '到校指导' }).expect(409))).toBe('PARTNERSHIP_NOT_ACTIVE');
      await post('city.admin', `${BASE}/${id}/transitions`, { to: 'active', reason: '新团队到位，恢复帮扶' }).expect(201);
      expect(await grants(U.mentorA)).toContain(org.S1);
      const history = (await get('city.admin', `${BASE}/${id}`).expect(200)).body.transitions;
      expect(history.map((h: { seq: number; to: string }) => [h.seq, h.to])).toEqual([
        [1, 'proposed'],
        [2, 'active'],
        [3, 'suspended'],
        [4, 'active'],
      ]);
    });

    it('lets managers edit it, within their county, and refuses everyone else', async () => {
      const res = await patch('county.jiange', `${BASE}/${id}`, { goals: ['完善管理制度', '培养骨干教师5名'], description: '县里补充说明' }).expect(200);
      expect(res.body).toMatchObject({ goals: ['完善管理制度', '培养骨干教师5名'], description: '县里补充说明' });
      expect(code(await patch(U.adminS1, `${BASE}/${id}`, { description: '学校自己改' }).expect(403))).toBe('ACCESS_DENIED');
      expect(code(await patch(U.mentorA, `${BASE}/${id}`, { description: '专家自己改' }).expect(403))).toBe('ACCESS_DENIED');
      expect(code(await patch(U.countyWangcang, `${BASE}/${id}`, { description: '外县' }).expect(403))).toBe('OUT_OF_SCOPE');
      // a county coordinator cannot pull another county's school into it
      const foreign = await patch('county.jiange', `${BASE}/${id}`, { memberOrganizationIds: [org.S1, org.S3] }).expect(403);
      expect(code(foreign)).toBe('OUT_OF_SCOPE');
      const added = await patch('county.jiange', `${BASE}/${id}`, { memberOrganizationIds: [org.S1, org.S2] }).expect(200);
      expect(added.body.memberSide.map((m: { organizationId: string }) => m.organizationId).sort()).toEqual([org.S1, org.S2].sort());
      expect(await grants(U.mentorA)).toEqual(expect.arrayContaining([org.S1, org.S2]));
      await patch('county.jiange', `${BASE}/${id}`, { memberOrganizationIds: [org.S1] }).expect(200);
      expect(await grants(U.mentorA)).not.toContain(org.S2);
      expect(code(await patch('city.admin', `${BASE}/${id}`, { endDate: addDays(today, -61) }).expect(422))).toBe('PARTNERSHIP_DATE_RANGE_INVALID');
      expect(code(await patch('city.admin', `${BASE}/${id}`, { kind: 'trusteeship' }).expect(400))).toBe('VALIDATION_FAILED');
      expect(code(await patch('city.admin', `${BASE}/${id}`, { status: 'concluded' }).expect(400))).toBe('VALIDATION_FAILED');
    });

    it('never disburses beyond the budget, even when disbursements race', async () => {
      const path = `${BASE}/${id}/disbursements`;
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => post('city.admin', path, { amount: 300, purpose: `并发拨付${i}`, disbursedOn: today })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.body.error).toMatchObject({ code: 'FUND_BUDGET_EXCEEDED', details: { requested: 300, budget: 1000 } });
      }
      let fund = (await get(U.teacherS1, `${BASE}/${id}/fund`).expect(200)).body;
      expect(fund).toMatchObject({ budget: 1000, disbursed: 900, remaining: 100 });
      expect(fund.disbursements).toHaveLength(3);

      expect(code(await post('county.jiange', path, { amount: 100.01, purpose: '超出一分', disbursedOn: today }).expect(409))).toBe('FUND_BUDGET_EXCEEDED');
      const exact = await post('county.jiange', path, { amount: 100, purpose: '正好用完', disbursedOn: today }).expect(201);
      expect(exact.body).toMatchObject({ amount: 100, purpose: '正好用完', disbursedOn: today, recordedById: principals['county.jiange'].userId });
      fund = (await get('city.admin', `${BASE}/${id}/fund`).expect(200)).body;
      expect(fund).toMatchObject({ budget: 1000, disbursed: 1000, remaining: 0 });

      expect(code(await post('city.admin', path, { amount: 0, purpose: '零', disbursedOn: today }).expect(400))).toBe('VALIDATION_FAILED');
      expect(code(await post('city.admin', path, { amount: 1, purpose: '日期', disbursedOn: '2025-13-01' }).expect(400))).toBe('VALIDATION_FAILED');
      expect(code(await post(U.adminS1, path, { amount: 1, purpose: '学校自拨', disbursedOn: today }).expect(403))).toBe('ACCESS_DENIED');
      expect(code(await post(U.countyWangcang, path, { amount: 1, purpose: '外县拨付', disbursedOn: today }).expect(403))).toBe('OUT_OF_SCOPE');

      expect(code(await patch('city.admin', `${BASE}/${id}`, { fundBudget: 999.99 }).expect(409))).toBe('FUND_BUDGET_BELOW_DISBURSED');
      expect(code(await patch('city.admin', `${BASE}/${id}`, { fundBudget: null }).expect(409))).toBe('FUND_BUDGET_BELOW_DISBURSED');
      const raised = await patch('city.admin', `${BASE}/${id}`, { fundBudget: 1500.5 }).expect(200);
      expect(raised.body.fund).toEqual({ budget: 1500.5, disbursed: 1000, remaining: 500.5 });
      // setting the same budget again is not a conflict
      expect((await patch('county.jiange', `${BASE}/${id}`, { fundBudget: 1500.5 }).expect(200)).body.fund.budget).toBe(1500.5);
      expect((await get('city.admin', `${BASE}/${id}/disbursements`).expect(200)).body.items).toHaveLength(4);
    });

    it('refuses a disbursement where no fund is set up', async () => {
      const res = await newPartnership({ kind: 'paired_assistance', startDate: today, endDate: addDays(today, 365), mentorOrganizationIds: [org.MB], memberOrganizationIds: [org.S2] });
      expect(res.status).toBe(201);
      await post('city.admin', `${BASE}/${res.body.id}/transitions`, { to: 'active', reason: '启动对口帮扶' }).expect(201);
      expect(code(await post('city.admin', `${BASE}/${res.body.id}/disbursements`, { amount: 1, purpose: '无资金', disbursedOn: today }).expect(409))).toBe('FUND_NOT_SET');
      expect((await get('city.admin', `${BASE}/${res.body.id}/fund`).expect(200)).body).toEqual({ budget: null, disbursed: 0, remaining: null, disbursements: [] });
    });

    it('keeps the dispatched team', async () => {
      const path = `${BASE}/${id}/team`;
      const principal = await post('county.jiange', path, { personName: '赵执行', role: 'executive_principal', homeOrganizationId: org.MA, onSiteFrom: addDays(today, -30) }).expect(201);
      expect(principal.body).toMatchObject({ personName: '赵执行', role: 'executive_principal', roleLabel: '执行校长', homeOrganizationName: `测试帮扶学校甲-${sfx}`, onSiteTo: null });
      const teacher = await post('city.admin', path, {
        personName: '钱老师',
        userId: principals[U.mentorA].userId,
        role: 'subject_teacher',
        subject: '数学',
        homeOrganizationId: org.MA,
        onSiteFrom: addDays(today, -30),
        onSiteTo: addDays(today, 60),
      }).expect(201);
      expect(code(await post('city.admin', path, { personName: '孙', role: 'subject_teacher', homeOrganizationId: org.MA, onSiteFrom: today, onSiteTo: addDays(today, -1) }).expect(422))).toBe(
        'PARTNERSHIP_DATE_RANGE_INVALID',
      );
      expect(code(await post('city.admin', path, { personName: '孙', role: 'subject_teacher', homeOrganizationId: '00000000-0000-0000-0000-000000000000', onSiteFrom: today }).expect(404))).toBe(
        'ORGANIZATION_NOT_FOUND',
      );
      expect(code(await post('city.admin', path, { personName: '孙', role: 'janitor', homeOrganizationId: org.MA, onSiteFrom: today }).expect(400))).toBe('VALIDATION_FAILED');
      expect(code(await post(U.mentorA, path, { personName: '孙', role: 'subject_teacher', homeOrganizationId: org.MA, onSiteFrom: today }).expect(403))).toBe('ACCESS_DENIED');

      const updated = await patch('city.admin', `${path}/${teacher.body.id}`, { onSiteTo: addDays(today, 90) }).expect(200);
      expect(updated.body.onSiteTo).toBe(addDays(today, 90));
      expect(code(await patch('city.admin', `${path}/00000000-0000-0000-0000-000000000000`, { onSiteTo: today }).expect(404))).toBe('PARTNERSHIP_TEAM_MEMBER_NOT_FOUND');
      const list = (await get(U.teacherS1, path).expect(200)).body.items;
      expect(list.map((m: { personName: string }) => m.personName).sort()).toEqual(['赵执行', '钱老师'].sort());
      const extra = await post('city.admin', path, { personName: '临时', role: 'other', homeOrganizationId: org.MA, onSiteFrom: today }).expect(201);
      await t.http().delete(`${path}/${extra.body.id}`).set(as('city.admin')).expect(204);
      expect((await get('city.admin', path).expect(200)).body.items).toHaveLength(2);
      expect(principal.body.id).toBeDefined();
    });

    it('sets terms with obligations and counts visits logged by its mentors', async () => {
      const term = schoolTermOf(today);
      const path = `${BASE}/${id}/terms`;
      const created = await post('city.admin', path, {
        label: term.label,
        startDate: term.startDate,
        endDate: term.endDate,
        obligations: [
          { kind: 'onsite_visit', target: 2, note: '每学期到校指导2次' },
          { kind: 'joint_research_session', target: 4 },
        ],
      });
      // the agreement started 60 days ago: the current term may begin before it
      if (term.startDate < addDays(today, -60)) {
        expect(code(created)).toBe('PARTNERSHIP_DATE_RANGE_INVALID');
        await patch('city.admin', `${BASE}/${id}`, { startDate: term.startDate }).expect(200);
        await post('city.admin', path, {
          label: term.label,
          startDate: term.startDate,
          endDate: term.endDate,
          obligations: [
            { kind: 'onsite_visit', target: 2, note: '每学期到校指导2次' },
            { kind: 'joint_research_session', target: 4 },
          ],
        }).expect(201);
      } else {
        expect(created.status).toBe(201);
      }
      expect(code(await post('city.admin', path, { label: '重叠学期', startDate: term.startDate, endDate: term.startDate }).expect(409))).toBe('PARTNERSHIP_TERM_OVERLAP');
      expect(code(await post('city.admin', path, { label: '期限之外', startDate: addDays(today, 800), endDate: addDays(today, 900) }).expect(422))).toBe('PARTNERSHIP_DATE_RANGE_INVALID');
      expect(code(await post('city.admin', path, { label: '倒序', startDate: addDays(term.endDate, 30), endDate: addDays(term.endDate, 1) }).expect(422))).toBe('PARTNERSHIP_DATE_RANGE_INVALID');
      expect(
        code(await post('city.admin', path, { label: '重复任务', startDate: addDays(term.endDate, 1), endDate: addDays(term.endDate, 30), obligations: [{ kind: 'onsite_visit', target: 1 }, { kind: 'onsite_visit', target: 2 }] }).expect(409)),
      ).toBe('PARTNERSHIP_OBLIGATION_EXISTS');
      expect(code(await post(U.adminS1, path, { label: '学校自设', startDate: term.startDate, endDate: term.endDate }).expect(403))).toBe('ACCESS_DENIED');

      let progress = (await get(U.teacherS1, `${BASE}/${id}/obligations`).expect(200)).body;
      expect(progress.term).toMatchObject({ label: term.label, current: true });
      const termId = progress.term.id;
      expect(progress.term.obligations.map((o: { kind: string; done: number; source: string }) => [o.kind, o.done, o.source])).toEqual([
        ['joint_research_session', 0, 'recorded'],
        ['onsite_visit', 0, 'recorded'],
      ]);

      // obligations by themselves
      expect(code(await post('city.admin', `${BASE}/${id}/obligations`, { termId, kind: 'onsite_visit', target: 3 }).expect(409))).toBe('PARTNERSHIP_OBLIGATION_EXISTS');
      expect(code(await post('city.admin', `${BASE}/${id}/obligations`, { termId: '00000000-0000-0000-0000-000000000000', kind: 'resource_push', target: 3 }).expect(404))).toBe(
        'PARTNERSHIP_TERM_NOT_FOUND',
      );
      const push = await post('county.jiange', `${BASE}/${id}/obligations`, { termId, kind: 'resource_push', target: 20 }).expect(201);
      expect(push.body).toMatchObject({ kind: 'resource_push', target: 20, done: 0, source: 'recorded' });
      expect(push.body.state).toBe(push.body.expectedByNow > 0 ? 'behind' : 'on_track');
      const edited = await patch('county.jiange', `${BASE}/${id}/obligations/${push.body.id}`, { target: 25, note: '调整' }).expect(200);
      expect(edited.body).toMatchObject({ target: 25, note: '调整' });
      await t.http().delete(`${BASE}/${id}/obligations/${push.body.id}`).set(as('city.admin')).expect(204);
      expect(code(await patch('city.admin', `${BASE}/${id}/obligations/${push.body.id}`, { target: 1 }).expect(404))).toBe('PARTNERSHIP_OBLIGATION_NOT_FOUND');

      // visits: the partnership's mentors (and managers) log them; nobody else
      const visit = { schoolId: org.S1, visitDate: today, visitors: '甲校专家2人', purpose: '课堂诊断', summary: '听课4节' };
      const logged = await post(U.mentorA, `${BASE}/${id}/visits`, visit).expect(201);
      expect(logged.body).toMatchObject({ schoolId: org.S1, schoolName: `测试受援学校一-${sfx}`, visitDate: today, loggedById: principals[U.mentorA].userId });
      expect(code(await post(U.mentorB, `${BASE}/${id}/visits`, visit).expect(403))).toBe('OUT_OF_SCOPE');
      expect(code(await post('mentor.liemian', `${BASE}/${id}/visits`, visit).expect(403))).toBe('OUT_OF_SCOPE');
      for (const who of [U.adminS1, U.teacherS1]) expect(code(await post(who, `${BASE}/${id}/visits`, visit).expect(403))).toBe('ACCESS_DENIED');
      expect(code(await post(U.mentorA, `${BASE}/${id}/visits`, { ...visit, schoolId: org.S2 }).expect(422))).toBe('PARTNERSHIP_VISIT_INVALID');
      expect(code(await post(U.mentorA, `${BASE}/${id}/visits`, { ...visit, visitDate: addDays(today, 1) }).expect(422))).toBe('PARTNERSHIP_VISIT_INVALID');
      expect(code(await post(U.mentorA, `${BASE}/${id}/visits`, { ...visit, visitDate: '2020-01-01' }).expect(422))).toBe('PARTNERSHIP_VISIT_INVALID');

      progress = (await get(U.adminS1, `${BASE}/${id}/obligations`).expect(200)).body;
      expect(progress.term.obligations.find((o: { kind: string }) => o.kind === 'onsite_visit')).toMatchObject({ done: 1, target: 2 });
      await post('county.jiange', `${BASE}/${id}/visits`, { ...visit, visitors: '县教研员', purpose: '随访' }).expect(201);
      progress = (await get(U.adminS1, `${BASE}/${id}/obligations`).query({ termId }).expect(200)).body;
      expect(progress.term.obligations.find((o: { kind: string }) => o.kind === 'onsite_visit')).toMatchObject({ done: 2, state: 'met' });
      // joint research sessions count from real sessions (research/sessions): four linked to the partnership meet the target
      for (let i = 0; i < 4; i++) {
        const startsAt = new Date(Date.now() + i * 1000);
        await post('city.admin', '/api/v1/research-sessions', { kind: 'joint_research', title: `联合教研${i + 1}-${sfx}`, hostOrganizationId: org.S1, partnershipId: id, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(), creditHours: 2 }).expect(201);
      }
      progress = (await get(U.adminS1, `${BASE}/${id}/obligations`).query({ termId }).expect(200)).body;
      expect(progress.term.obligations.find((o: { kind: string }) => o.kind === 'joint_research_session')).toMatchObject({ done: 4, state: 'met', source: 'recorded' });
      // both obligations are met
      expect(progress.health).toMatchObject({ status: 'on_track', termId, reasons: [] });
      const listed = (await get('city.admin', BASE).query({ schoolId: org.S1 }).expect(200)).body.items.find((p: { id: string }) => p.id === id);
      expect(listed.health).toMatchObject({ status: 'on_track', label: '进展正常' });
      const visits = (await get(U.teacherS1, `${BASE}/${id}/visits`).query({ limit: 1 }).expect(200)).body;
      expect(visits).toMatchObject({ total: 2, page: 1, limit: 1 });
      expect(code(await get(U.teacherS1, `${BASE}/${id}/obligations`).query({ termId: '00000000-0000-0000-0000-000000000000' }).expect(404))).toBe('PARTNERSHIP_TERM_NOT_FOUND');

      const terms = (await get(U.mentorA, path).expect(200)).body.items;
      expect(terms.map((x: { label: string }) => x.label)).toEqual([term.label]);
    });

    it('records commendations of a school, the team or a person', async () => {
      const path = `${BASE}/${id}/commendations`;
      const team = (await get('city.admin', `${BASE}/${id}/team`).expect(200)).body.items;
      const school = await post('city.admin', path, { recipientKind: 'school', organizationId: org.S1, title: '帮扶进步学校', reason: '教学质量明显提升', awardedOn: today }).expect(201);
      expect(school.body).toMatchObject({ recipientKind: 'school', recipientName: `测试受援学校一-${sfx}`, organizationId: org.S1 });
      const crew = await post('county.jiange', path, { recipientKind: 'team', title: '优秀帮扶团队', reason: '驻校帮扶成效显著', awardedOn: today }).expect(201);
      expect(crew.body.recipientName).toBe(`测试帮扶学校甲-${sfx}派驻帮扶团队`);
      const person = await post('city.admin', path, { recipientKind: 'person', teamMemberId: team[0].id, title: '优秀帮扶个人', reason: '扎根一线', awardedOn: today }).expect(201);
      expect(person.body).toMatchObject({ recipientName: team[0].personName, teamMemberId: team[0].id });
      expect(code(await post('city.admin', path, { recipientKind: 'school', organizationId: org.S3, title: '不相干学校', reason: '不是本关系的学校', awardedOn: today }).expect(422))).toBe(
        'PARTNERSHIP_COMMENDATION_INVALID',
      );
      expect(code(await post('city.admin', path, { recipientKind: 'person', title: '无名', reason: '没有姓名', awardedOn: today }).expect(422))).toBe('PARTNERSHIP_COMMENDATION_INVALID');
      expect(code(await post(U.adminS1, path, { recipientKind: 'team', title: '自我表彰', reason: '学校不能表彰', awardedOn: today }).expect(403))).toBe('ACCESS_DENIED');
      const list = (await get(U.mentorA, path).expect(200)).body.items;
      expect(list).toHaveLength(3);
      expect((await get(U.adminS1, `${BASE}/${id}`).expect(200)).body.commendations).toHaveLength(3);
    });

    it('feeds the dashboards’ health summary', async () => {
      const service = t.app.get(PartnershipsService);
      const county = await service.healthSummary({ countyId: org['剑阁县'] });
      expect(county.total).toBe(county.items.length);
      expect(Object.values(county.byStatus).reduce((a, b) => a + b, 0)).toBe(county.total);
      expect(Object.values(county.byHealth).reduce((a, b) => a + b, 0)).toBe(county.total);
      const names = county.items.map((i) => i.name);
      expect(names).toEqual(expect.arrayContaining([LIEMIAN, BUCT]));
      expect(names).not.toContain(ANYUE);
      expect(county.items.find((i) => i.id === id)).toMatchObject({ status: 'active', health: 'on_track', memberSchools: [{ id: org.S1, countyId: org['剑阁县'] }] });
      const school = await service.healthSummary({ schoolId: org.S1 });
      expect(school.items.map((i) => i.id)).toEqual([id]);
      expect(school.byHealth.on_track).toBe(1);
    });

    it('concludes for good: no more edits, no way back', async () => {
      await post('city.admin', `${BASE}/${id}/transitions`, { to: 'concluded', reason: '帮扶期满，总结验收' }).expect(201);
      expect(code(await post('city.admin', `${BASE}/${id}/transitions`, { to: 'active', reason: '重新启动' }).expect(409))).toBe('PARTNERSHIP_TRANSITION_NOT_ALLOWED');
      expect(code(await patch('city.admin', `${BASE}/${id}`, { description: '结束后修改' }).expect(409))).toBe('PARTNERSHIP_CONCLUDED');
      expect(code(await post('city.admin', `${BASE}/${id}/team`, { personName: '迟到', role: 'other', homeOrganizationId: org.MA, onSiteFrom: today }).expect(409))).toBe('PARTNERSHIP_CONCLUDED');
      expect(await grants(U.mentorA)).not.toContain(org.S1);
      const detail = (await get(U.adminS1, `${BASE}/${id}`).expect(200)).body;
      expect(detail).toMatchObject({ status: 'concluded', allowedTransitions: [], health: { status: 'inactive' } });
      expect(detail.transitions.at(-1)).toMatchObject({ from: 'active', to: 'concluded', reason: '帮扶期满，总结验收' });
    });
  });

  describe('teacher pairing (青蓝工程)', () => {
    it('pairs a mentor teacher with young teachers and scopes the mentor by person, not organization', async () => {
      const res = await newPartnership({
        kind: 'teacher_pairing',
        startDate: today,
        endDate: addDays(today, 365),
        mentorTeacherUserId: principals[U.mentorB].userId,
        menteeTeacherUserIds: [principals[U.teacherS1].userId],
      });
      expect(res.status).toBe(201);
      expect(res.body.mentorSide).toEqual([expect.objectContaining({ userId: principals[U.mentorB].userId, organizationId: org.MB })]);
      expect(res.body.memberSide).toEqual([expect.objectContaining({ userId: principals[U.teacherS1].userId, organizationId: org.S1 })]);
      expect(res.body.name).toBe(`测试帮扶学校乙-${sfx}测试mentor${sfx} → 测试受援学校一-${sfx}测试teacher${sfx}（青蓝工程）`);
      // the same pair again gets a numbered default name rather than a conflict
      const again = await newPartnership({
        kind: 'teacher_pairing',
        startDate: today,
        endDate: addDays(today, 365),
        mentorTeacherUserId: principals[U.mentorB].userId,
        menteeTeacherUserIds: [principals[U.teacherS1].userId],
      });
      expect(again.status).toBe(201);
      expect(again.body.name).toBe(`测试帮扶学校乙-${sfx}测试mentor${sfx} → 测试受援学校一-${sfx}测试teacher${sfx}（青蓝工程2）`);
      await post('city.admin', `${BASE}/${res.body.id}/transitions`, { to: 'active', reason: '结对启动' }).expect(201);
      expect(await grants(U.mentorB)).toContain(org.S1);
      await get(U.mentorB, `${BASE}/${res.body.id}`).expect(200);
      await get(U.teacherS1, `${BASE}/${res.body.id}`).expect(200);
      expect(code(await post('city.admin', BASE, { kind: 'teacher_pairing', startDate: today, endDate: today, mentorTeacherUserId: principals[U.teacherS1].userId, menteeTeacherUserIds: [principals[U.teacherS1].userId] }).expect(422))).toBe(
        'PARTNERSHIP_PARTIES_INVALID',
      );
      expect(code(await post('city.admin', BASE, { kind: 'teacher_pairing', startDate: today, endDate: today, mentorTeacherUserId: principals[U.mentorB].userId, menteeTeacherUserIds: [principals[U.adminS1].userId] }).expect(422))).toBe(
        'PARTNERSHIP_PARTIES_INVALID',
      );
      await post('city.admin', `${BASE}/${res.body.id}/transitions`, { to: 'concluded', reason: '测试结束' }).expect(201);
      expect(await grants(U.mentorB)).not.toContain(org.S1);
    });
  });
});
