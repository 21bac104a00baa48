import { randomBytes } from 'node:crypto';
import { createTestApp, TestApp } from '../utils/create-app';

const BASE = '/api/v1/organizations';

/**
 * The organizations registry: shared reading, scoped writing, yearly stats. Runs against the seeded data; every
 * record it creates has a unique suffix and seeded records it touches are put back, because the MariaDB pass of
 * CI shares one database between spec files.
 */
describe('organizations registry', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const suffix = randomBytes(3).toString('hex');
  const auth = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });

  async function idOf(name: string): Promise<string> {
    const res = await t.http().get(BASE).query({ q: name, limit: 100 }).set(auth('city.admin')).expect(200);
    const hit = res.body.items.find((o: { name: string }) => o.name === name);
    if (!hit) throw new Error(`organization ${name} not found`);
    return hit.id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    for (const user of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'mentor.liemian']) {
      tokens[user] = await t.login(user);
    }
    for (const name of ['剑阁县', '旺苍县', '剑州中学', '旺苍东城中学', '剑门关高中', '市教育局']) ids[name] = await idOf(name);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('GET /organizations', () => {
    it('is readable by every signed-in role and refuses anonymous callers', async () => {
      for (const user of ['teacher.jianzhou', 'mentor.liemian']) {
        const res = await t.http().get(BASE).set(auth(user)).expect(200);
        expect(res.body).toMatchObject({ page: 1, limit: 20 });
        expect(res.body.total).toBeGreaterThanOrEqual(32);
        expect(res.body.items).toHaveLength(20);
      }
      const anon = await t.http().get(BASE).expect(401);
      expect(anon.body.error.code).toBe('AUTH_REQUIRED');
    });

    it('finds schools by a Chinese name fragment, with the full item shape', async () => {
      const res = await t.http().get(BASE).query({ q: '剑州' }).set(auth('teacher.jianzhou')).expect(200);
      expect(res.body.total).toBe(res.body.items.length);
      expect(res.body.items.map((o: { name: string }) => o.name)).toContain('剑州中学');
      for (const item of res.body.items) expect(item.name).toContain('剑州');
      const jianzhou = res.body.items.find((o: { name: string }) => o.name === '剑州中学');
      expect(jianzhou).toEqual({
        id: ids['剑州中学'],
        name: '剑州中学',
        kind: 'school',
        countyId: ids['剑阁县'],
        countyName: '剑阁县',
        code: '5108230101',
        ownership: 'public',
        locality: 'county',
        designation: 'none',
        isWeak: true,
        location: '剑阁县普安镇',
      });
    });

    it('treats % and _ in the search term as plain characters', async () => {
      const res = await t.http().get(BASE).query({ q: '%' }).set(auth('city.admin')).expect(200);
      expect(res.body).toMatchObject({ total: 0, items: [] });
    });

    it('filters by kind, county and weak flag', async () => {
      const counties = await t.http().get(BASE).query({ kind: 'county' }).set(auth('city.admin')).expect(200);
      expect(counties.body.items.map((o: { name: string }) => o.name).sort()).toEqual(['利州区', '剑阁县', '旺苍县', '昭化区', '朝天区', '苍溪县', '青川县'].sort());

      const jiange = await t.http().get(BASE).query({ kind: 'school', countyId: ids['剑阁县'], limit: 100 }).set(auth('mentor.liemian')).expect(200);
      const names = jiange.body.items.map((o: { name: string }) => o.name);
      expect(names).toEqual(expect.arrayContaining(['剑州中学', '剑门关高中', '剑阁中学']));
      expect(names).not.toContain('旺苍东城中学');
      for (const item of jiange.body.items) expect(item).toMatchObject({ kind: 'school', countyId: ids['剑阁县'], countyName: '剑阁县' });

      const weak = await t.http().get(BASE).query({ isWeak: 'true', limit: 100 }).set(auth('city.admin')).expect(200);
      expect(weak.body.items.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['剑州中学', '旺苍东城中学', '剑门关高中']));
      expect(weak.body.items.every((o: { isWeak: boolean }) => o.isWeak)).toBe(true);
      const notWeak = await t.http().get(BASE).query({ isWeak: 'false', kind: 'school', limit: 100 }).set(auth('city.admin')).expect(200);
      expect(notWeak.body.items.map((o: { name: string }) => o.name)).toContain('广元中学');
      expect(notWeak.body.items.some((o: { isWeak: boolean }) => o.isWeak)).toBe(false);
    });

    it('pages and bounds the limit', async () => {
      const first = await t.http().get(BASE).query({ page: 1, limit: 5 }).set(auth('city.admin')).expect(200);
      const second = await t.http().get(BASE).query({ page: 2, limit: 5 }).set(auth('city.admin')).expect(200);
      expect(first.body.items).toHaveLength(5);
      expect(second.body).toMatchObject({ page: 2, limit: 5, total: first.body.total });
      const overlap = second.body.items.filter((o: { id: string }) => first.body.items.some((f: { id: string }) => f.id === o.id));
      expect(overlap).toEqual([]);
      for (const query of [{ limit: 101 }, { kind: 'village' }, { isWeak: 'maybe' }, { q: 'x'.repeat(51) }]) {
        const bad = await t.http().get(BASE).query(query).set(auth('city.admin')).expect(400);
        expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('GET /organizations/:id', () => {
    it('returns a school with its latest stats', async () => {
      const res = await t.http().get(`${BASE}/${ids['剑州中学']}`).set(auth('mentor.liemian')).expect(200);
      expect(res.body).toMatchObject({ id: ids['剑州中学'], name: '剑州中学', countyName: '剑阁县', schoolCounts: null });
      expect(res.body.latestStats).toMatchObject({ organizationId: ids['剑州中学'], year: 2025, students: expect.any(Number), perStudentFunding: expect.any(Number) });
    });

    it('returns a county with counts of its schools', async () => {
      const schools = await t.http().get(BASE).query({ kind: 'school', countyId: ids['剑阁县'], limit: 100 }).set(auth('city.admin')).expect(200);
      const weak = schools.body.items.filter((o: { isWeak: boolean }) => o.isWeak).length;
      const res = await t.http().get(`${BASE}/${ids['剑阁县']}`).set(auth('teacher.jianzhou')).expect(200);
      expect(res.body).toMatchObject({ kind: 'county', countyId: null, latestStats: null, schoolCounts: { schools: schools.body.total, weakSchools: weak } });
      expect(weak).toBeGreaterThanOrEqual(2);
    });

    it('lists yearly stats oldest first', async () => {
      const res = await t.http().get(`${BASE}/${ids['旺苍东城中学']}/stats`).set(auth('teacher.jianzhou')).expect(200);
      expect(res.body.items.map((s: { year: number }) => s.year).slice(0, 3)).toEqual([2023, 2024, 2025]);
    });

    it('is 404 for an unknown organization', async () => {
      for (const path of [`${BASE}/00000000-0000-4000-8000-000000000000`, `${BASE}/00000000-0000-4000-8000-000000000000/stats`]) {
        const res = await t.http().get(path).set(auth('city.admin')).expect(404);
        expect(res.body.error.code).toBe('ORGANIZATION_NOT_FOUND');
      }
    });
  });

  describe('POST /organizations', () => {
    it('lets the city create a school in any county, with a unique name', async () => {
      const name = `东河测试中学${suffix}`;
      const res = await t.http().post(BASE).set(auth('city.admin')).send({ name, kind: 'school', countyId: ids['旺苍县'], ownership: 'public', locality: 'county' }).expect(201);
      expect(res.body).toMatchObject({ name, kind: 'school', countyId: ids['旺苍县'], countyName: '旺苍县', isWeak: false, designation: null });
      const again = await t.http().post(BASE).set(auth('city.admin')).send({ name, kind: 'school', countyId: ids['旺苍县'] }).expect(409);
      expect(again.body.error.code).toBe('ORGANIZATION_NAME_TAKEN');
    });

    it('lets the city create other bodies without a county', async () => {
      const res = await t.http().post(BASE).set(auth('city.admin')).send({ name: `四川测试大学${suffix}`, kind: 'university', location: '成都市' }).expect(201);
      expect(res.body).toMatchObject({ kind: 'university', countyId: null, location: '成都市' });
    });

    it('requires a school to name an existing county', async () => {
      const missing = await t.http().post(BASE).set(auth('city.admin')).send({ name: `无县测试中学${suffix}`, kind: 'school' }).expect(422);
      expect(missing.body.error.code).toBe('COUNTY_NOT_FOUND');
      const notACounty = await t.http().post(BASE).set(auth('city.admin')).send({ name: `无县测试中学${suffix}`, kind: 'school', countyId: ids['剑州中学'] }).expect(422);
      expect(notACounty.body.error.code).toBe('COUNTY_NOT_FOUND');
    });

    it('keeps a county admin to schools of their own county', async () => {
      const own = await t.http().post(BASE).set(auth('county.jiange')).send({ name: `剑阁测试中学${suffix}`, kind: 'school' }).expect(201);
      expect(own.body).toMatchObject({ countyId: ids['剑阁县'], countyName: '剑阁县' });
      ids.jiangeTest = own.body.id;

      const other = await t.http().post(BASE).set(auth('county.jiange')).send({ name: `旺苍越权中学${suffix}`, kind: 'school', countyId: ids['旺苍县'] }).expect(403);
      expect(other.body.error.code).toBe('OUT_OF_SCOPE');
      const university = await t.http().post(BASE).set(auth('county.jiange')).send({ name: `剑阁测试大学${suffix}`, kind: 'university' }).expect(403);
      expect(university.body.error.code).toBe('ACCESS_DENIED');
      const list = await t.http().get(BASE).query({ q: suffix }).set(auth('city.admin')).expect(200);
      expect(list.body.items.map((o: { name: string }) => o.name)).not.toContain(`旺苍越权中学${suffix}`);
    });

    it('refuses schools and teachers, and invalid bodies', async () => {
      for (const user of ['admin.jianzhou', 'teacher.jianzhou', 'mentor.liemian']) {
        const res = await t.http().post(BASE).set(auth(user)).send({ name: `越权${suffix}`, kind: 'school', countyId: ids['剑阁县'] }).expect(403);
        expect(res.body.error.code).toBe('ACCESS_DENIED');
      }
      for (const body of [
        { name: 'x'.repeat(101), kind: 'school', countyId: ids['剑阁县'] },
        { name: '好名字', kind: 'village' },
        { name: '好名字', kind: 'school', countyId: ids['剑阁县'], founded: 1950 },
        { name: '好名字', kind: 'school', countyId: ids['剑阁县'], code: '代码' },
      ]) {
        const res = await t.http().post(BASE).set(auth('city.admin')).send(body).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('PATCH /organizations/:id', () => {
    it('lets a school admin edit their school but not its supervision fields', async () => {
      const before = await t.http().get(`${BASE}/${ids['剑州中学']}`).set(auth('admin.jianzhou')).expect(200);
      try {
        const ok = await t.http().patch(`${BASE}/${ids['剑州中学']}`).set(auth('admin.jianzhou')).send({ location: '剑阁县普安镇测试路1号' }).expect(200);
        expect(ok.body).toMatchObject({ location: '剑阁县普安镇测试路1号', isWeak: true, countyName: '剑阁县' });
        for (const body of [{ isWeak: false }, { designation: 'provincial_level1_model' }, { kind: 'university' }, { countyId: ids['旺苍县'] }, { location: 'x', isWeak: true }]) {
          const res = await t.http().patch(`${BASE}/${ids['剑州中学']}`).set(auth('admin.jianzhou')).send(body).expect(403);
          expect(res.body.error.code).toBe('ACCESS_DENIED');
        }
        const after = await t.http().get(`${BASE}/${ids['剑州中学']}`).set(auth('admin.jianzhou')).expect(200);
        expect(after.body).toMatchObject({ isWeak: true, designation: 'none', kind: 'school', countyId: ids['剑阁县'], location: '剑阁县普安镇测试路1号' });
      } finally {
        await t.http().patch(`${BASE}/${ids['剑州中学']}`).set(auth('city.admin')).send({ location: before.body.location }).expect(200);
      }
    });

    it('keeps school admins and teachers out of other schools', async () => {
      const other = await t.http().patch(`${BASE}/${ids['旺苍东城中学']}`).set(auth('admin.jianzhou')).send({ location: '越权' }).expect(403);
      expect(other.body.error.code).toBe('OUT_OF_SCOPE');
      const teacher = await t.http().patch(`${BASE}/${ids['剑州中学']}`).set(auth('teacher.jianzhou')).send({ location: '越权' }).expect(403);
      expect(teacher.body.error.code).toBe('ACCESS_DENIED');
    });

    it('lets a county admin supervise schools of their county only', async () => {
      const ok = await t.http().patch(`${BASE}/${ids.jiangeTest}`).set(auth('county.jiange')).send({ isWeak: true, designation: 'provincial_level2_model' }).expect(200);
      expect(ok.body).toMatchObject({ isWeak: true, designation: 'provincial_level2_model' });
      const move = await t.http().patch(`${BASE}/${ids.jiangeTest}`).set(auth('county.jiange')).send({ countyId: ids['旺苍县'] }).expect(403);
      expect(move.body.error.code).toBe('OUT_OF_SCOPE');
      const other = await t.http().patch(`${BASE}/${ids['旺苍东城中学']}`).set(auth('county.jiange')).send({ isWeak: false }).expect(403);
      expect(other.body.error.code).toBe('OUT_OF_SCOPE');
      const ownCounty = await t.http().patch(`${BASE}/${ids['剑阁县']}`).set(auth('county.jiange')).send({ location: '剑阁县' }).expect(403);
      expect(ownCounty.body.error.code).toBe('ACCESS_DENIED');
      const unchanged = await t.http().get(`${BASE}/${ids['旺苍东城中学']}`).set(auth('city.admin')).expect(200);
      expect(unchanged.body.isWeak).toBe(true);
    });

    it('lets the city move and rename, keeping names unique and counties real', async () => {
      const moved = await t.http().patch(`${BASE}/${ids.jiangeTest}`).set(auth('city.admin')).send({ countyId: ids['旺苍县'], name: `旺苍迁入中学${suffix}` }).expect(200);
      expect(moved.body).toMatchObject({ countyId: ids['旺苍县'], countyName: '旺苍县', name: `旺苍迁入中学${suffix}` });
      // The move is visible to the scope check at once: the county admin of 剑阁县 has lost it.
      const lost = await t.http().patch(`${BASE}/${ids.jiangeTest}`).set(auth('county.jiange')).send({ location: 'x' }).expect(403);
      expect(lost.body.error.code).toBe('OUT_OF_SCOPE');

      const taken = await t.http().patch(`${BASE}/${ids.jiangeTest}`).set(auth('city.admin')).send({ name: '剑州中学' }).expect(409);
      expect(taken.body.error.code).toBe('ORGANIZATION_NAME_TAKEN');
      const codeTaken = await t.http().patch(`${BASE}/${ids.jiangeTest}`).set(auth('city.admin')).send({ code: '5108230101' }).expect(409);
      expect(codeTaken.body.error.code).toBe('ORGANIZATION_CODE_TAKEN');
      const noCounty = await t.http().patch(`${BASE}/${ids.jiangeTest}`).set(auth('city.admin')).send({ countyId: ids['市教育局'] }).expect(422);
      expect(noCounty.body.error.code).toBe('COUNTY_NOT_FOUND');
      const nullName = await t.http().patch(`${BASE}/${ids.jiangeTest}`).set(auth('city.admin')).send({ name: null }).expect(400);
      expect(nullName.body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('PUT /organizations/:id/stats/:year', () => {
    const figures = { students: 1800, classes: 36, teachers: 150, largestClass: 54, perStudentFunding: 1050.5 };

    it('admin.jianzhou cannot write 旺苍东城中学 stats but can write 剑州中学 stats', async () => {
      const denied = await t.http().put(`${BASE}/${ids['旺苍东城中学']}/stats/2025`).set(auth('admin.jianzhou')).send(figures).expect(403);
      expect(denied.body.error.code).toBe('OUT_OF_SCOPE');

      // Written back with the seeded figures (plus a note, then without) so the shared data stays as seeded.
      const current = (await t.http().get(`${BASE}/${ids['剑州中学']}/stats`).set(auth('admin.jianzhou')).expect(200)).body.items.find(
        (s: { year: number }) => s.year === 2025,
      );
      const { students, classes, teachers, largestClass, perStudentFunding, newEntryLargestClass, researchers } = current;
      const body = { students, classes, teachers, largestClass, perStudentFunding, newEntryLargestClass, researchers };
      const ok = await t.http().put(`${BASE}/${ids['剑州中学']}/stats/2025`).set(auth('admin.jianzhou')).send({ ...body, notes: '已核对' }).expect(200);
      expect(ok.body).toMatchObject({ organizationId: ids['剑州中学'], year: 2025, ...body, notes: '已核对' });
      expect(ok.body.updatedById).toEqual(expect.any(String));
      await t.http().put(`${BASE}/${ids['剑州中学']}/stats/2025`).set(auth('admin.jianzhou')).send(body).expect(200);
    });

    it('refuses teachers and mentors, and county admins outside their county', async () => {
      for (const user of ['teacher.jianzhou', 'mentor.liemian']) {
        const res = await t.http().put(`${BASE}/${ids['剑州中学']}/stats/2025`).set(auth(user)).send(figures).expect(403);
        expect(res.body.error.code).toBe('ACCESS_DENIED');
      }
      const county = await t.http().put(`${BASE}/${ids['旺苍东城中学']}/stats/2025`).set(auth('county.jiange')).send(figures).expect(403);
      expect(county.body.error.code).toBe('OUT_OF_SCOPE');
    });

    it('upserts one row per year', async () => {
      const created = await t.http().post(BASE).set(auth('county.jiange')).send({ name: `剑阁统计中学${suffix}`, kind: 'school' }).expect(201);
      const path = `${BASE}/${created.body.id}/stats/2024`;
      await t.http().put(path).set(auth('county.jiange')).send(figures).expect(200);
      const second = await t.http().put(path).set(auth('city.admin')).send({ ...figures, students: 1900, researchers: 3, notes: '  补录  ' }).expect(200);
      expect(second.body).toMatchObject({ year: 2024, students: 1900, researchers: 3, notes: '补录', newEntryLargestClass: null, perStudentFunding: 1050.5 });
      const list = await t.http().get(`${BASE}/${created.body.id}/stats`).set(auth('teacher.jianzhou')).expect(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ year: 2024, students: 1900 });
      const detail = await t.http().get(`${BASE}/${created.body.id}`).set(auth('teacher.jianzhou')).expect(200);
      expect(detail.body.latestStats).toMatchObject({ year: 2024, students: 1900 });
    });

    it('only schools have stats, and figures are validated', async () => {
      const county = await t.http().put(`${BASE}/${ids['剑阁县']}/stats/2025`).set(auth('city.admin')).send(figures).expect(422);
      expect(county.body.error.code).toBe('ORGANIZATION_NOT_A_SCHOOL');
      for (const [year, body] of [
        [2025, { ...figures, students: -1 }],
        [2025, { ...figures, classes: 12.5 }],
        [2025, { ...figures, largestClass: 1000 }],
        [2025, { ...figures, perStudentFunding: 1000.123 }],
        [2025, { ...figures, teachers: undefined }],
        [2025, { ...figures, notes: 'x'.repeat(501) }],
        [1999, figures],
        ['今年', figures],
      ] as const) {
        const res = await t.http().put(`${BASE}/${ids['剑州中学']}/stats/${encodeURIComponent(String(year))}`).set(auth('city.admin')).send(body).expect(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    });
  });
});
