import { DataSource } from 'typeorm';
import { DEMO_ACCOUNTS, SeedService } from '@app/domain';
import { Organization } from '@app/domain/organizations/organization.entity';
import { SchoolYearStats } from '@app/domain/organizations/school-year-stats.entity';
import { User } from '@app/domain/accounts/user.entity';
import { createTestApp, TestApp } from '../utils/create-app';

/** The Guangyuan seed: loaded on start (SEED_ON_START in tests), complete, and idempotent. */
describe('seed', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function counts() {
    const [organizations, stats, users] = await Promise.all([
      db.getRepository(Organization).count(),
      db.getRepository(SchoolYearStats).count(),
      db.getRepository(User).count(),
    ]);
    return { organizations, stats, users };
  }

  it('running the seed again changes nothing', async () => {
    const before = await counts();
    const orgsBefore = await db.getRepository(Organization).find({ order: { id: 'ASC' } });
    const result = await t.app.get(SeedService).run();
    expect(result).toEqual({ created: 0 });
    expect(await counts()).toEqual(before);
    const orgsAfter = await db.getRepository(Organization).find({ order: { id: 'ASC' } });
    expect(orgsAfter.map((o) => [o.id, o.name, o.updatedAt.toISOString()])).toEqual(orgsBefore.map((o) => [o.id, o.name, o.updatedAt.toISOString()]));
  });

  it('holds the 7 counties and the schools and partners of the policy', async () => {
    const orgs = db.getRepository(Organization);
    const counties = await orgs.find({ where: { kind: 'county' } });
    expect(counties.map((c) => c.name).sort()).toEqual(['利州区', '昭化区', '朝天区', '旺苍县', '青川县', '剑阁县', '苍溪县'].sort());
    const countyName = (id: string | null) => counties.find((c) => c.id === id)?.name;

    for (const [name, county] of [['剑州中学', '剑阁县'], ['旺苍东城中学', '旺苍县'], ['剑门关高中', '剑阁县']]) {
      const school = await orgs.findOneByOrFail({ name });
      expect({ kind: school.kind, county: countyName(school.countyId), isWeak: school.isWeak, locality: school.locality }).toEqual({
        kind: 'school',
        county,
        isWeak: true,
        locality: 'county',
      });
    }
    expect(await orgs.findOneByOrFail({ name: '广安烈面中学' })).toMatchObject({ kind: 'external_school', location: '广安市', countyId: null });
    expect(await orgs.findOneByOrFail({ name: '资阳安岳中学' })).toMatchObject({ kind: 'external_school', location: '资阳市' });
    expect(await orgs.findOneByOrFail({ name: '北京化工大学' })).toMatchObject({ kind: 'university' });
    for (const name of ['市教育局', '市财政局', '市人力资源社会保障局', '市发展改革委']) {
      expect(await orgs.findOneByOrFail({ name })).toMatchObject({ kind: 'government_unit', countyId: null });
    }
    expect(await orgs.findOneByOrFail({ name: '广元中学' })).toMatchObject({ locality: 'urban', designation: 'provincial_level1_model', isWeak: false });

    const schools = await orgs.find({ where: { kind: 'school' } });
    const seededCounties = new Set(schools.map((s) => countyName(s.countyId)));
    expect(seededCounties.size).toBe(7);
  });

  it('gives every seeded school three years of plausible stats, on both sides of the targets', async () => {
    const stats = await db
      .getRepository(SchoolYearStats)
      .createQueryBuilder('s')
      .innerJoin(Organization, 'o', 'o.id = s.organizationId')
      .where('o.code LIKE :prefix', { prefix: '5108%' })
      .getMany();
    const bySchool = new Map<string, number[]>();
    for (const s of stats) bySchool.set(s.organizationId, [...(bySchool.get(s.organizationId) ?? []), s.year].sort());
    expect(bySchool.size).toBeGreaterThanOrEqual(15);
    // Other specs may add later years to a school in a shared database; the seed gives each these three.
    for (const years of bySchool.values()) expect(years).toEqual(expect.arrayContaining([2023, 2024, 2025]));

    const latest = stats.filter((s) => s.year === 2025);
    for (const s of latest) {
      expect(s.students).toBeGreaterThanOrEqual(1500);
      expect(s.students).toBeLessThanOrEqual(4500);
      expect(s.students / s.classes).toBeGreaterThanOrEqual(45);
      expect(s.students / s.classes).toBeLessThanOrEqual(60);
      expect(s.perStudentFunding).toBeGreaterThanOrEqual(900);
      expect(s.perStudentFunding).toBeLessThanOrEqual(1300);
    }
    expect(latest.filter((s) => s.largestClass > 55).length).toBeGreaterThanOrEqual(3);
    expect(latest.filter((s) => s.largestClass <= 55).length).toBeGreaterThanOrEqual(3);
    expect(latest.filter((s) => s.students / s.teachers > 12.5).length).toBeGreaterThanOrEqual(3);
    expect(latest.filter((s) => s.students / s.teachers <= 12.5).length).toBeGreaterThanOrEqual(3);
    expect(latest.filter((s) => s.perStudentFunding < 1000).length).toBeGreaterThanOrEqual(2);
  });

  it('creates the 7 demo accounts in their organizations, able to sign in with DEMO_PASSWORD', async () => {
    expect(DEMO_ACCOUNTS).toHaveLength(7);
    for (const account of DEMO_ACCOUNTS) {
      const user = await db.getRepository(User).findOneOrFail({ where: { username: account.username }, relations: { organization: true } });
      expect({ role: user.role, organization: user.organization?.name, name: user.name }).toEqual({
        role: account.role,
        organization: account.organization,
        name: account.name,
      });
      expect(user.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
    }
    for (const username of ['city.admin', 'mentor.liemian']) {
      await expect(t.login(username)).resolves.toEqual(expect.any(String));
    }
  });
});
