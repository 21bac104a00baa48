import { DataSource } from 'typeorm';
import { Principal, Role } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { Resource, RESOURCE_STATUSES, RESOURCE_VISIBILITIES } from './resource.entity';
import { canManageResource, canReviewResource, canViewResource, needsReview, ResourceAccessFacts, visibilityCondition } from './resource-rules';

const COUNTY_A = 'county-a';
const COUNTY_B = 'county-b';
const SCHOOL_A = 'school-a'; // in county A
const SCHOOL_B = 'school-b'; // in county B
const MENTOR_SCHOOL = 'mentor-school'; // partner of school A, outside the city's counties
const UPLOADER = 'user-uploader';

const principal = (role: Role, organizationId: string, userId = `u-${role}-${organizationId}`): Principal => ({
  userId,
  username: userId,
  role,
  organizationId,
  countyId: organizationId === SCHOOL_A ? COUNTY_A : organizationId === SCHOOL_B ? COUNTY_B : role === 'county_admin' ? organizationId : null,
});

const PRINCIPALS: Record<string, Principal> = {
  uploader: principal('teacher', SCHOOL_A, UPLOADER),
  colleague: principal('teacher', SCHOOL_A),
  schoolAdminA: principal('school_admin', SCHOOL_A),
  teacherB: principal('teacher', SCHOOL_B),
  schoolAdminB: principal('school_admin', SCHOOL_B),
  countyA: principal('county_admin', COUNTY_A),
  countyB: principal('county_admin', COUNTY_B),
  city: principal('city_admin', 'city'),
  mentor: principal('mentor', MENTOR_SCHOOL),
};
/** The partners each principal's organization has (school A and the mentor school are partnered). */
const PARTNERS: Record<string, string[]> = { [SCHOOL_A]: [MENTOR_SCHOOL], [MENTOR_SCHOOL]: [SCHOOL_A] };
const partnersOf = (p: Principal) => PARTNERS[p.organizationId] ?? [];

const facts = (visibility: ResourceAccessFacts['visibility'], status: ResourceAccessFacts['status']): ResourceAccessFacts => ({
  organizationId: SCHOOL_A,
  ownerCountyId: COUNTY_A,
  uploaderId: UPLOADER,
  visibility,
  status,
});

describe('resource access rules', () => {
  it('published items: city to all, partnership to the owner and its partners, school to the owner school', () => {
    const seen = (v: ResourceAccessFacts['visibility']) =>
      Object.entries(PRINCIPALS)
        .filter(([, p]) => canViewResource(p, facts(v, 'published'), partnersOf(p)))
        .map(([k]) => k)
        .sort();
    expect(seen('city')).toEqual(Object.keys(PRINCIPALS).sort());
    expect(seen('partnership')).toEqual(['city', 'colleague', 'countyA', 'mentor', 'schoolAdminA', 'uploader']);
    expect(seen('school')).toEqual(['city', 'colleague', 'countyA', 'schoolAdminA', 'uploader']);
  });

  it('unpublished items: the uploader, the owner school admin and the supervisors only', () => {
    for (const status of ['draft', 'processing', 'pending_review', 'rejected'] as const) {
      const seen = Object.entries(PRINCIPALS)
        .filter(([, p]) => canViewResource(p, facts('city', status), partnersOf(p)))
        .map(([k]) => k)
        .sort();
      expect(seen).toEqual(['city', 'countyA', 'schoolAdminA', 'uploader']);
    }
  });

  it('review belongs to the city and the owner county; management adds the uploader and the school admin', () => {
    const r = facts('city', 'pending_review');
    expect(Object.entries(PRINCIPALS).filter(([, p]) => canReviewResource(p, r)).map(([k]) => k).sort()).toEqual(['city', 'countyA']);
    expect(Object.entries(PRINCIPALS).filter(([, p]) => canManageResource(p, r)).map(([k]) => k).sort()).toEqual(['city', 'countyA', 'schoolAdminA', 'uploader']);
    expect(needsReview('school')).toBe(false);
    expect(needsReview('city')).toBe(true);
    expect(needsReview('partnership')).toBe(true);
  });

  describe('visibilityCondition (SQL) agrees with canViewResource for every principal, visibility and status', () => {
    let ds: DataSource;
    const ids = new Map<string, ResourceAccessFacts>();

    beforeAll(async () => {
      ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [Resource, Organization, User], synchronize: true }).initialize();
      // Foreign keys are not the subject here; rows name organizations and users that do not exist.
      await ds.query('PRAGMA foreign_keys = OFF');
      const owners: Array<Pick<ResourceAccessFacts, 'organizationId' | 'ownerCountyId' | 'uploaderId'>> = [
        { organizationId: SCHOOL_A, ownerCountyId: COUNTY_A, uploaderId: UPLOADER },
        { organizationId: SCHOOL_B, ownerCountyId: COUNTY_B, uploaderId: 'someone-b' },
        { organizationId: MENTOR_SCHOOL, ownerCountyId: null, uploaderId: 'someone-m' },
        { organizationId: COUNTY_A, ownerCountyId: COUNTY_A, uploaderId: 'someone-c' },
      ];
      let n = 0;
      for (const owner of owners) {
        for (const visibility of RESOURCE_VISIBILITIES) {
          for (const status of RESOURCE_STATUSES) {
            const row = ds.getRepository(Resource).create({
              title: `r${n++}`,
              type: 'other',
              subject: '数学',
              grade: '高一',
              tags: [],
              visibility,
              status,
              ...owner,
            });
            await ds.getRepository(Resource).save(row);
            ids.set(row.id, { ...owner, visibility, status });
          }
        }
      }
    });
    afterAll(() => ds?.destroy());

    it.each(Object.keys(PRINCIPALS))('%s', async (who) => {
      const p = PRINCIPALS[who];
      const f = visibilityCondition(p, partnersOf(p), 'r');
      const rows = await ds.getRepository(Resource).createQueryBuilder('r').select('r.id', 'id').where(f.sql, f.params).getRawMany<{ id: string }>();
      const bySql = rows.map((r) => r.id).sort();
      const byRule = [...ids].filter(([, r]) => canViewResource(p, r, partnersOf(p))).map(([id]) => id).sort();
      expect(byRule.length).toBeGreaterThan(0);
      expect(bySql).toEqual(byRule);
    });
  });
});
