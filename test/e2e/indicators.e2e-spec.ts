import { randomBytes } from 'node:crypto';
import { currentSchoolYear } from '@app/domain/indicators/indicator-rules';
import { shanghaiDate } from '@app/platform';
import { createTestApp, TestApp } from '../utils/create-app';

const BASE = '/api/v1/indicators';
const ORGS = '/api/v1/organizations';

const CATALOGUE_KEYS = [
  'gross_enrolment_rate',
  'quota_to_schools_share',
  'teacher_student_ratio',
  'researcher_training_hours',
  'largest_class_size',
  'school_size',
  'per_student_funding',
  'new_high_schools',
  'provincial_level1_models',
  'provincial_level2_models',
  'face_recognition_gates',
  'smart_canteens',
  'emergency_platform',
  'weak_school_standardisation',
];

interface Item {
  key: string;
  basis: 'own' | 'rollup';
  level: string;
  value: number | null;
  status: string;
  source: string | null;
  lowered: boolean;
  rollup: null | { of: string; total: number; onTarget: number; offTarget: number; noData: number; shareOnTarget: number | null; members: { organizationId: string; name: string; value: number | null; status: string }[] };
  trend: { points: { year: number; value: number; status: string }[]; direction: string | null };
}

/**
 * Indicators: the catalogue, values computed from the schools' yearly figures (on read, so always in step with
 * them), entered values with a source, status/trend and the county and city roll-ups, and every denial.
 * Seeded records are only read; entries go to a school this spec creates or to years nobody else uses (2018).
 */
describe('indicators', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const suffix = randomBytes(3).toString('hex');
  const auth = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const thisYear = currentSchoolYear(shanghaiDate());
  const item = (body: { items: Item[] }, key: string) => {
    const found = body.items.find((i) => i.key === key);
    if (!found) throw new Error(`indicator ${key} missing from ${body.items.map((i) => i.key).join(',')}`);
    return found;
  };

  async function idOf(name: string): Promise<string> {
    const res = await t.http().get(ORGS).query({ q: name, limit: 100 }).set(auth('city.admin')).expect(200);
    const hit = res.body.items.find((o: { name: string }) => o.name === name);
    if (!hit) throw new Error(`organization ${name} not found`);
    return hit.id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    for (const user of ['city.admin', 'county.jiange', 'admin.jianzhou', 'teacher.jianzhou', 'admin.dongcheng', 'mentor.liemian']) {
      tokens[user] = await t.login(user);
    }
    for (const name of ['剑阁县', '旺苍县', '剑州中学', '旺苍东城中学', '市教育局', '广安烈面中学']) ids[name] = await idOf(name);
    const school = await t.http().post(ORGS).set(auth('county.jiange')).send({ name: `指标测试中学${suffix}`, kind: 'school' }).expect(201);
    ids.fresh = school.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('catalogue', () => {
    it('lists the whole POLICY.md table to every signed-in role, in policy order', async () => {
      const res = await t.http().get(BASE).set(auth('teacher.jianzhou')).expect(200);
      expect(res.body).toMatchObject({ total: 14, page: 1, limit: 20 });
      expect(res.body.items.map((i: { key: string }) => i.key)).toEqual(CATALOGUE_KEYS);
      expect(res.body.items.find((i: { key: string }) => i.key === 'teacher_student_ratio')).toEqual({
        id: expect.any(String),
        key: 'teacher_student_ratio',
        nameZh: '师生比（每位专任教师对应学生数）',
        nameEn: 'Students per full-time teacher',
        unit: '人',
        direction: 'at_most',
        target: 12.5,
        deadlineYear: 2023,
        cadence: 'by_deadline',
        level: 'school',
        computedFrom: 'students_per_teacher',
        computed: true,
        neverLowered: false,
        note: '师生比达到1:12.5',
      });
      const funding = res.body.items.find((i: { key: string }) => i.key === 'per_student_funding');
      expect(funding).toMatchObject({ direction: 'at_least', target: 1000, cadence: 'yearly', deadlineYear: null, neverLowered: true, computed: true });
      const platform = res.body.items.find((i: { key: string }) => i.key === 'emergency_platform');
      expect(platform).toMatchObject({ direction: 'done', target: null, level: 'county', computed: false });
      const levels = await t.http().get(BASE).query({ level: 'city' }).set(auth('mentor.liemian')).expect(200);
      expect(levels.body.items.map((i: { key: string }) => i.key)).toEqual(['gross_enrolment_rate', 'new_high_schools', 'provincial_level1_models', 'provincial_level2_models']);
      await t.http().get(BASE).expect(401);
    });

    it('returns one definition by key and 404 for an unknown key', async () => {
      const res = await t.http().get(`${BASE}/largest_class_size`).set(auth('admin.jianzhou')).expect(200);
      expect(res.body).toMatchObject({ key: 'largest_class_size', target: 55, direction: 'at_most', unit: '人' });
      const missing = await t.http().get(`${BASE}/no_such_indicator`).set(auth('admin.jianzhou')).expect(404);
      expect(missing.body.error.code).toBe('INDICATOR_NOT_FOUND');
      const bad = await t.http().get(`${BASE}/Bad-Key!`).set(auth('admin.jianzhou')).expect(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('school status computed from SchoolYearStats', () => {
    it('matches the seeded figures of 剑州中学 for 2025, with the trend across years', async () => {
      const stats = await t.http().get(`${ORGS}/${ids['剑州中学']}/stats`).set(auth('admin.jianzhou')).expect(200);
      const byYear = new Map<number, { students: number; teachers: number; largestClass: number; perStudentFunding: number }>(
        stats.body.items.map((s: { year: number }) => [s.year, s]),
      );
      const y2025 = byYear.get(2025)!;
      const res = await t.http().get(`${BASE}/status`).query({ organizationId: ids['剑州中学'], year: 2025 }).set(auth('admin.jianzhou')).expect(200);
      expect(res.body).toMatchObject({ view: 'school', year: 2025, organization: { id: ids['剑州中学'], name: '剑州中学', kind: 'school' } });
      // A school sees its school-level indicators only.
      expect(res.body.items.every((i: Item) => i.level === 'school' && i.basis === 'own')).toBe(true);

      const ratio = item(res.body, 'teacher_student_ratio');
      expect(ratio.value).toBeCloseTo(y2025.students / y2025.teachers, 2);
      expect(ratio).toMatchObject({ status: 'off_target', source: 'school_year_stats' });
      expect(ratio.trend.points.map((p) => p.year)).toEqual([...byYear.keys()].sort());
      expect(ratio.trend.direction).toBe('improving'); // 15.2+ -> 15.2 students per teacher over the seeded years
      expect(item(res.body, 'largest_class_size')).toMatchObject({ value: y2025.largestClass, status: 'off_target' });
      expect(item(res.body, 'school_size')).toMatchObject({ value: y2025.students, status: 'on_target' });
      expect(item(res.body, 'per_student_funding')).toMatchObject({ value: y2025.perStudentFunding, status: 'off_target', lowered: false });
      const counted = res.body.items.filter((i: Item) => i.status === 'off_target').length;
      expect(res.body.summary.offTarget).toBe(counted);
    });

    it('follows the figures at once when they change (computed on read), and flags funding that was lowered', async () => {
      const put = (year: number, body: object) => t.http().put(`${ORGS}/${ids.fresh}/stats/${year}`).set(auth('county.jiange')).send(body).expect(200);
      await put(2024, { students: 1200, classes: 24, teachers: 100, largestClass: 50, perStudentFunding: 1300 });
      await put(2025, { students: 1300, classes: 26, teachers: 100, largestClass: 58, perStudentFunding: 1200 });
      const status = () => t.http().get(`${BASE}/status`).query({ organizationId: ids.fresh, year: 2025 }).set(auth('county.jiange')).expect(200);

      let res = await status();
      expect(item(res.body, 'teacher_student_ratio')).toMatchObject({ value: 13, status: 'off_target' });
      expect(item(res.body, 'teacher_student_ratio').trend).toEqual({
        points: [{ year: 2024, value: 12, status: 'on_target' }, { year: 2025, value: 13, status: 'off_target' }],
        direction: 'worsening',
      });
      expect(item(res.body, 'largest_class_size')).toMatchObject({ value: 58, status: 'off_target' });
      // 1200 is above the 1000-yuan floor but below last year's 1300: 只增不减 is broken.
      expect(item(res.body, 'per_student_funding')).toMatchObject({ value: 1200, status: 'off_target', lowered: true });
      expect(item(res.body, 'face_recognition_gates')).toMatchObject({ value: null, status: 'no_data', source: null });

      await put(2025, { students: 1300, classes: 26, teachers: 110, largestClass: 55, perStudentFunding: 1350 });
      res = await status();
      expect(item(res.body, 'teacher_student_ratio')).toMatchObject({ value: 11.82, status: 'on_target' });
      expect(item(res.body, 'largest_class_size')).toMatchObject({ value: 55, status: 'on_target' });
      expect(item(res.body, 'per_student_funding')).toMatchObject({ value: 1350, status: 'on_target', lowered: false });

      // A year without figures has no data, but the trend still shows the years that have.
      const empty = await t.http().get(`${BASE}/status`).query({ organizationId: ids.fresh, year: 2020 }).set(auth('county.jiange')).expect(200);
      expect(item(empty.body, 'school_size')).toMatchObject({ value: null, status: 'no_data' });
      expect(item(empty.body, 'school_size').trend.points).toHaveLength(2);
    });

    it("defaults to the caller's own organization and the current school year", async () => {
      const res = await t.http().get(`${BASE}/status`).set(auth('teacher.jianzhou')).expect(200);
      expect(res.body).toMatchObject({ view: 'school', year: thisYear, organization: { id: ids['剑州中学'] } });
    });
  });

  describe('entered values', () => {
    const enter = (user: string, key: string, body: object) => t.http().post(`${BASE}/${key}/values`).set(auth(user)).send(body);

    it('lets a school admin enter a school-level value for their own school, with its source; entering again replaces it', async () => {
      const first = await enter('admin.jianzhou', 'face_recognition_gates', { organizationId: ids['剑州中学'], year: 2018, value: 60, source: `学校安保自查${suffix}` }).expect(201);
      // created is false when an earlier run of this spec on a shared database entered 2018 already.
      expect(first.body).toMatchObject({ key: 'face_recognition_gates', organizationId: ids['剑州中学'], year: 2018, value: 60, status: 'off_target', created: expect.any(Boolean) });
      const again = await enter('admin.jianzhou', 'face_recognition_gates', { organizationId: ids['剑州中学'], year: 2018, value: 100, source: `县公安局验收${suffix}` }).expect(201);
      expect(again.body).toMatchObject({ id: first.body.id, value: 100, status: 'on_target', created: false, source: `县公安局验收${suffix}` });
      const res = await t.http().get(`${BASE}/status`).query({ organizationId: ids['剑州中学'], year: 2018 }).set(auth('teacher.jianzhou')).expect(200);
      expect(item(res.body, 'face_recognition_gates')).toMatchObject({ value: 100, status: 'on_target', source: `县公安局验收${suffix}` });
    });

    it('lets a county coordinator enter county- and school-level values in their county', async () => {
      const platform = await enter('county.jiange', 'emergency_platform', { organizationId: ids['剑阁县'], year: 2018, value: 1, source: '剑阁县应急指挥平台验收报告' }).expect(201);
      expect(platform.body).toMatchObject({ status: 'on_target' });
      await enter('county.jiange', 'smart_canteens', { organizationId: ids.fresh, year: 2025, value: 80, source: '县教育局食堂检查' }).expect(201);
      const res = await t.http().get(`${BASE}/status`).query({ organizationId: ids.fresh, year: 2025 }).set(auth('county.jiange')).expect(200);
      expect(item(res.body, 'smart_canteens')).toMatchObject({ value: 80, status: 'off_target', source: '县教育局食堂检查' });
    });

    it('lets the city enter city-level values for the city bureau', async () => {
      await enter('city.admin', 'gross_enrolment_rate', { organizationId: ids['市教育局'], year: 2018, value: 93.5, source: '广元市教育事业统计公报' }).expect(201);
      const res = await t.http().get(`${BASE}/status`).query({ year: 2018 }).set(auth('city.admin')).expect(200);
      expect(res.body.view).toBe('city');
      expect(item(res.body, 'gross_enrolment_rate')).toMatchObject({ basis: 'own', value: 93.5, status: 'off_target', source: '广元市教育事业统计公报' });
    });

    it('refuses bad entries with a code and writes nothing', async () => {
      const cases: [string, string, object, number, string][] = [
        ['city.admin', 'teacher_student_ratio', { organizationId: ids.fresh, year: 2025, value: 10, source: 'x' }, 422, 'INDICATOR_COMPUTED'],
        ['city.admin', 'no_such_indicator', { organizationId: ids.fresh, year: 2025, value: 10, source: 'x' }, 404, 'INDICATOR_NOT_FOUND'],
        ['city.admin', 'smart_canteens', { organizationId: '00000000-0000-4000-8000-000000000000', year: 2025, value: 10, source: 'x' }, 404, 'ORGANIZATION_NOT_FOUND'],
        ['city.admin', 'emergency_platform', { organizationId: ids['剑阁县'], year: 2025, value: 0.5, source: 'x' }, 422, 'INDICATOR_VALUE_INVALID'],
        ['city.admin', 'emergency_platform', { organizationId: ids.fresh, year: 2025, value: 1, source: 'x' }, 422, 'INDICATOR_LEVEL_MISMATCH'],
        ['city.admin', 'smart_canteens', { organizationId: ids['广安烈面中学'], year: 2025, value: 1, source: 'x' }, 422, 'INDICATOR_LEVEL_MISMATCH'],
        ['admin.jianzhou', 'quota_to_schools_share', { organizationId: ids['剑州中学'], year: 2025, value: 50, source: 'x' }, 422, 'INDICATOR_LEVEL_MISMATCH'],
        ['city.admin', 'smart_canteens', { organizationId: ids.fresh, year: thisYear + 1, value: 10, source: 'x' }, 422, 'INDICATOR_YEAR_IN_FUTURE'],
        ['city.admin', 'smart_canteens', { organizationId: ids.fresh, year: 2025, value: 10 }, 400, 'VALIDATION_FAILED'],
        ['city.admin', 'smart_canteens', { organizationId: ids.fresh, year: 2025, value: -1, source: 'x' }, 400, 'VALIDATION_FAILED'],
        ['city.admin', 'smart_canteens', { organizationId: ids.fresh, year: 2025, value: 10, source: 'x'.repeat(201) }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [user, key, body, status, code] of cases) {
        const res = await enter(user, key, body);
        expect({ key, body, status: res.status, code: res.body.error?.code }).toEqual({ key, body, status, code });
      }
      const res = await t.http().get(`${BASE}/status`).query({ organizationId: ids.fresh, year: 2025 }).set(auth('city.admin')).expect(200);
      expect(item(res.body, 'smart_canteens').value).toBe(80); // unchanged by the refused entries
    });

    it('denies entries outside the caller’s role or scope', async () => {
      const body = (organizationId: string) => ({ organizationId, year: 2018, value: 100, source: 'x' });
      const denials: [string, string, object, string][] = [
        ['teacher.jianzhou', 'face_recognition_gates', body(ids['剑州中学']), 'ACCESS_DENIED'],
        ['mentor.liemian', 'face_recognition_gates', body(ids['剑州中学']), 'ACCESS_DENIED'],
        ['admin.jianzhou', 'face_recognition_gates', body(ids['旺苍东城中学']), 'OUT_OF_SCOPE'],
        ['admin.jianzhou', 'emergency_platform', { ...body(ids['剑阁县']), value: 1 }, 'OUT_OF_SCOPE'],
        ['county.jiange', 'face_recognition_gates', body(ids['旺苍东城中学']), 'OUT_OF_SCOPE'],
        ['county.jiange', 'emergency_platform', { ...body(ids['旺苍县']), value: 1 }, 'OUT_OF_SCOPE'],
        ['county.jiange', 'gross_enrolment_rate', body(ids['市教育局']), 'OUT_OF_SCOPE'],
        ['admin.dongcheng', 'face_recognition_gates', body(ids['剑州中学']), 'OUT_OF_SCOPE'],
      ];
      for (const [user, key, payload, code] of denials) {
        const res = await enter(user, key, payload);
        expect({ user, key, status: res.status, code: res.body.error?.code }).toEqual({ user, key, status: 403, code });
      }
      await t.http().post(`${BASE}/face_recognition_gates/values`).send(body(ids['剑州中学'])).expect(401);
    });
  });

  describe('roll-ups', () => {
    it("gives a county its own county-level values and the share of its schools on target", async () => {
      const res = await t.http().get(`${BASE}/status`).query({ organizationId: ids['剑阁县'], year: 2025 }).set(auth('county.jiange')).expect(200);
      expect(res.body).toMatchObject({ view: 'county', organization: { id: ids['剑阁县'], kind: 'county' } });
      expect(item(res.body, 'emergency_platform')).toMatchObject({ basis: 'own', level: 'county' });
      expect(res.body.items.some((i: Item) => i.level === 'city')).toBe(false);

      const ratio = item(res.body, 'teacher_student_ratio');
      expect(ratio.basis).toBe('rollup');
      expect(ratio.rollup!.of).toBe('schools');
      const members = ratio.rollup!.members;
      expect(members.map((m) => m.organizationId)).toEqual(expect.arrayContaining([ids['剑州中学'], ids.fresh]));
      expect(members.map((m) => m.organizationId)).not.toContain(ids['旺苍东城中学']);
      const on = members.filter((m) => m.status === 'on_target').length;
      const off = members.filter((m) => m.status === 'off_target').length;
      expect(ratio.rollup).toMatchObject({ total: members.length, onTarget: on, offTarget: off, noData: members.length - on - off });
      expect(ratio.value).toBeCloseTo((on / (on + off)) * 100, 1);
      expect(ratio.status).toBe(off > 0 ? 'off_target' : 'on_target');
      // Each member's status is the one its own school view shows.
      const jianzhou = await t.http().get(`${BASE}/status`).query({ organizationId: ids['剑州中学'], year: 2025 }).set(auth('county.jiange')).expect(200);
      expect(members.find((m) => m.organizationId === ids['剑州中学'])).toMatchObject({
        status: item(jianzhou.body, 'teacher_student_ratio').status,
        value: item(jianzhou.body, 'teacher_student_ratio').value,
      });
      expect(ratio.trend.points.map((p) => p.year)).toEqual(expect.arrayContaining([2023, 2024, 2025]));
    });

    it('gives the city its own values and roll-ups over all counties and all schools', async () => {
      const res = await t.http().get(`${BASE}/status`).query({ year: 2025 }).set(auth('city.admin')).expect(200);
      expect(res.body).toMatchObject({ view: 'city', organization: { id: ids['市教育局'] } });
      expect(item(res.body, 'new_high_schools').basis).toBe('own');
      const quota = item(res.body, 'quota_to_schools_share');
      expect(quota.rollup!.of).toBe('counties');
      expect(quota.rollup!.total).toBeGreaterThanOrEqual(7);
      const size = item(res.body, 'school_size');
      expect(size.rollup!.of).toBe('schools');
      expect(size.rollup!.members.map((m) => m.organizationId)).toEqual(expect.arrayContaining([ids['剑州中学'], ids['旺苍东城中学'], ids.fresh]));
    });
  });

  describe('status denials', () => {
    it('keeps each role to its scope', async () => {
      const denials: [string, string][] = [
        ['county.jiange', ids['旺苍东城中学']],
        ['county.jiange', ids['旺苍县']],
        ['county.jiange', ids['市教育局']],
        ['admin.jianzhou', ids['剑阁县']],
        ['admin.jianzhou', ids['旺苍东城中学']],
        ['teacher.jianzhou', ids['旺苍东城中学']],
        ['admin.dongcheng', ids['剑州中学']],
      ];
      for (const [user, organizationId] of denials) {
        const res = await t.http().get(`${BASE}/status`).query({ organizationId }).set(auth(user));
        expect({ user, organizationId, status: res.status, code: res.body.error?.code }).toEqual({ user, organizationId, status: 403, code: 'OUT_OF_SCOPE' });
      }
      const unknown = await t.http().get(`${BASE}/status`).query({ organizationId: '00000000-0000-4000-8000-000000000000' }).set(auth('city.admin')).expect(404);
      expect(unknown.body.error.code).toBe('ORGANIZATION_NOT_FOUND');
      // A mentor reads the mentee school of the seeded active partnership (广安烈面中学 -> 剑州中学), no other.
      await t.http().get(`${BASE}/status`).query({ organizationId: ids['剑州中学'] }).set(auth('mentor.liemian')).expect(200);
      const mentorOther = await t.http().get(`${BASE}/status`).query({ organizationId: ids['旺苍东城中学'] }).set(auth('mentor.liemian')).expect(403);
      expect(mentorOther.body.error.code).toBe('OUT_OF_SCOPE');
      // A mentor's own organization is a school outside Guangyuan: it has no indicators here.
      const mentor = await t.http().get(`${BASE}/status`).set(auth('mentor.liemian')).expect(422);
      expect(mentor.body.error.code).toBe('INDICATORS_NOT_APPLICABLE');
      const badYear = await t.http().get(`${BASE}/status`).query({ year: 'soon' }).set(auth('city.admin')).expect(400);
      expect(badYear.body.error.code).toBe('VALIDATION_FAILED');
    });
  });
});
