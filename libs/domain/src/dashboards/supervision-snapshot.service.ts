import { Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainException, Principal, ScopeGrants, shanghaiDate } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { IndicatorsService } from '../indicators/indicators.service';
import { currentSchoolYear } from '../indicators/indicator-rules';
import { PartnershipsService } from '../partnerships/partnerships.service';
import { PlansReadService } from '../plans/plans-read.service';
import { RectificationsService } from '../supervision/rectifications.service';
import { decideScope, DashboardScope, ScopeOrganization } from './dashboard-scope';
import { SnapshotChild, SupervisionSnapshot } from './supervision-figures';

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'zh-Hans-CN');

/**
 * The one query service behind the dashboard and the supervision report: resolves what a caller may see and
 * reads plans, measures, indicators, rectifications and partnership health of that scope once. Both consumers
 * compute their numbers from the snapshot with the functions of supervision-figures.ts.
 */
@Injectable()
export class SupervisionSnapshotService {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly plans: PlansReadService,
    private readonly indicators: IndicatorsService,
    private readonly rectifications: RectificationsService,
    private readonly partnerships: PartnershipsService,
    @Optional() private readonly grants?: ScopeGrants,
  ) {}

  /** The scope a caller asked for, checked (see decideScope); unknown ids are ORGANIZATION_NOT_FOUND. */
  async resolveScope(principal: Principal, query: { countyId?: string; schoolId?: string }): Promise<DashboardScope> {
    const [county, school] = await Promise.all([this.find(query.countyId), this.find(query.schoolId)]);
    const granted = principal.role === 'mentor' && this.grants ? await this.grants.organizationIdsFor(principal) : [];
    const decision = decideScope(principal, { county, school }, granted);
    if (decision.level === 'city') return { level: 'city', county: null, school: null };
    if (decision.level === 'county') {
      const c = county?.id === decision.countyId ? county : await this.find(decision.countyId);
      if (!c || c.kind !== 'county') throw new DomainException('ORGANIZATION_NOT_A_COUNTY');
      return { level: 'county', county: { id: c.id, name: c.name }, school: null };
    }
    const s = school?.id === decision.schoolId ? school : await this.find(decision.schoolId);
    // A school admin or teacher whose own organization is not a school has no school dashboard.
    if (!s || s.kind !== 'school') throw new DomainException('ORGANIZATION_NOT_A_SCHOOL');
    const c = s.countyId ? await this.find(s.countyId) : null;
    return { level: 'school', county: c ? { id: c.id, name: c.name } : null, school: { id: s.id, name: s.name } };
  }

  /** Reads everything of the scope. `today` (Asia/Shanghai) decides overdue flags and the indicators' school year. */
  async load(scope: DashboardScope, today: string = shanghaiDate()): Promise<SupervisionSnapshot> {
    const year = currentSchoolYear(today);
    const filter =
      scope.level === 'school' ? { schoolId: scope.school!.id } : scope.level === 'county' ? { countyId: scope.county!.id } : {};
    const indicatorsOf = scope.level === 'school' ? scope.school!.id : scope.level === 'county' ? scope.county!.id : null;
    const [plans, measures, indicators, rectifications, partnerships, children] = await Promise.all([
      this.plans.listPlans({ ...filter, today }),
      this.plans.listMeasures({ ...filter, today }),
      this.indicators.statusFor(indicatorsOf, year),
      this.rectifications.listAll(filter, today),
      this.partnerships.healthSummary(filter),
      this.children(scope, year),
    ]);
    return { scope, today, year, generatedAt: new Date(), plans, measures, indicators, rectifications, partnerships, children };
  }

  private async children(scope: DashboardScope, year: number): Promise<SnapshotChild[]> {
    if (scope.level === 'school') return [];
    const where = scope.level === 'city' ? { kind: 'county' as const } : { kind: 'school' as const, countyId: scope.county!.id };
    const orgs = (await this.organizations.find({ where, select: { id: true, name: true } })).sort(byName);
    const out: SnapshotChild[] = [];
    // One at a time: each is a handful of queries, and a city has only 7 counties (a county a few schools).
    for (const org of orgs) out.push({ id: org.id, name: org.name, indicators: (await this.indicators.statusFor(org.id, year)).summary });
    return out;
  }

  private async find(id: string | undefined): Promise<ScopeOrganization | null> {
    if (!id) return null;
    const org = await this.organizations.findOne({ where: { id }, select: { id: true, name: true, kind: true, countyId: true } });
    if (!org) throw new DomainException('ORGANIZATION_NOT_FOUND', undefined, { id });
    return org;
  }
}
