import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainException, isWithinScope, Page, Principal, ScopeTargetLoader, shanghaiDate, toPage, isUniqueViolation } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { SchoolYearStats } from '../organizations/school-year-stats.entity';
import { IndicatorDefinition, IndicatorLevel } from './indicator-definition.entity';
import { IndicatorValue } from './indicator-value.entity';
import { computeFromStats, currentSchoolYear, directionOf, evaluate, IndicatorStatus, isDue, rollupOf, trendOf, TrendPoint } from './indicator-rules';
import {
  EnterIndicatorValueDto,
  IndicatorDefinitionView,
  IndicatorStatusItem,
  IndicatorStatusQuery,
  IndicatorStatusReport,
  IndicatorValueView,
  ListIndicatorsQuery,
} from './indicators.dto';

/** Source label of values computed from the schools' yearly figures. */
export const COMPUTED_SOURCE_LABEL = 'school_year_stats';

/** City-level values belong to the city as a whole, whichever city unit entered them. */
const CITY = 'city';

interface Point {
  value: number;
  source: string | null;
}
/** definition id -> organization id (or CITY) -> school year -> value */
type SeriesMap = Map<string, Map<string, Map<number, Point>>>;

/** An off-target value supervision acts on (see SupervisionService). */
export interface IndicatorFinding {
  definitionId: string;
  key: string;
  nameZh: string;
  unit: string;
  direction: IndicatorDefinition['direction'];
  target: number | null;
  level: IndicatorLevel;
  organizationId: string;
  organizationName: string;
  organizationKind: string;
  /** The county whose coordinator supervises it: a school's county, or the county itself. */
  countyId: string | null;
  year: number;
  value: number;
  lowered: boolean;
}

export function toDefinitionView(def: IndicatorDefinition): IndicatorDefinitionView {
  return {
    id: def.id,
    key: def.key,
    nameZh: def.nameZh,
    nameEn: def.nameEn,
    unit: def.unit,
    direction: def.direction,
    target: def.target,
    deadlineYear: def.deadlineYear,
    cadence: def.cadence,
    level: def.level,
    computedFrom: def.computedFrom,
    computed: def.computedFrom !== null,
    neverLowered: !!def.neverLowered,
    note: def.note,
  };
}

/** Which level of indicator an organization carries its own values for; null for partner bodies and the like. */
export function indicatorLevelOf(org: Pick<Organization, 'kind' | 'countyId'>): IndicatorLevel | null {
  if (org.kind === 'school') return 'school';
  if (org.kind === 'county') return 'county';
  // City units (市教育局 ...) are government units with no county; county-level units carry a county.
  if (org.kind === 'government_unit' && !org.countyId) return 'city';
  return null;
}

/**
 * The policy's indicators: the catalogue, values (computed from SchoolYearStats on read, so they always agree
 * with the figures, or entered with a source), each value's status against its target, the trend across years,
 * and county/city roll-ups of lower-level indicators (share of schools or counties on target).
 */
@Injectable()
export class IndicatorsService {
  constructor(
    @InjectRepository(IndicatorDefinition) private readonly definitions: Repository<IndicatorDefinition>,
    @InjectRepository(IndicatorValue) private readonly values: Repository<IndicatorValue>,
    @InjectRepository(SchoolYearStats) private readonly stats: Repository<SchoolYearStats>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly scopeLoader: ScopeTargetLoader,
  ) {}

  async listDefinitions(query: ListIndicatorsQuery): Promise<Page<IndicatorDefinitionView>> {
    const [rows, total] = await this.definitions.findAndCount({
      where: query.level ? { level: query.level } : {},
      order: { sortOrder: 'ASC', key: 'ASC' },
      skip: query.offset,
      take: query.limit,
    });
    return toPage(rows.map(toDefinitionView), total, query);
  }

  async getDefinition(key: string): Promise<IndicatorDefinitionView> {
    return toDefinitionView(await this.requireDefinition(key));
  }

  /** Definitions by id, for contexts that link to indicators (plans' measures). Unknown ids are left out. */
  async definitionsByIds(ids: readonly string[]): Promise<IndicatorDefinitionView[]> {
    if (!ids.length) return [];
    const rows = await this.definitions.find({ where: { id: In([...new Set(ids)]) }, order: { sortOrder: 'ASC' } });
    return rows.map(toDefinitionView);
  }

  /** The status endpoint: the caller's own organization unless another one in their scope is named. */
  async statusForPrincipal(principal: Principal, query: IndicatorStatusQuery): Promise<IndicatorStatusReport> {
    const organizationId = query.organizationId ?? principal.organizationId;
    await this.assertInScope(principal, organizationId);
    return this.statusFor(organizationId, query.year);
  }

  /**
   * Every indicator of an organization in a school year (default: the current one), without access checks
   * (callers check scope). A school gets its school-level indicators; a county its county-level ones plus
   * roll-ups of its schools; a city unit (or `null`, the city as a whole) the city-level ones plus roll-ups
   * of all counties and all schools.
   */
  async statusFor(organizationId: string | null, year: number = currentSchoolYear(shanghaiDate())): Promise<IndicatorStatusReport> {
    let org: Organization | null = null;
    let view: IndicatorLevel = 'city';
    if (organizationId !== null) {
      org = await this.organizations.findOne({ where: { id: organizationId } });
      if (!org) throw new DomainException('ORGANIZATION_NOT_FOUND');
      const level = indicatorLevelOf(org);
      if (!level) throw new DomainException('INDICATORS_NOT_APPLICABLE', undefined, { kind: org.kind });
      view = level;
    }

    const defs = await this.definitions.find({ order: { sortOrder: 'ASC', key: 'ASC' } });
    let items: IndicatorStatusItem[];
    if (view === 'school') {
      const own = defs.filter((d) => d.level === 'school');
      const series = await this.load(own, [org!.id]);
      items = own.map((d) => this.ownItem(d, series.get(d.id)?.get(org!.id), year));
    } else if (view === 'county') {
      const schools = await this.organizations.find({ where: { kind: 'school', countyId: org!.id }, order: { name: 'ASC' } });
      const series = await this.load(defs, [org!.id, ...schools.map((s) => s.id)]);
      items = defs.flatMap((d) => {
        if (d.level === 'county') return [this.ownItem(d, series.get(d.id)?.get(org!.id), year)];
        if (d.level === 'school') return [this.rollupItem(d, 'schools', schools, series.get(d.id), year)];
        return [];
      });
    } else {
      const [counties, schools] = await Promise.all([
        this.organizations.find({ where: { kind: 'county' }, order: { name: 'ASC' } }),
        this.organizations.find({ where: { kind: 'school' }, order: { name: 'ASC' } }),
      ]);
      const series = await this.load(defs, [...counties, ...schools].map((o) => o.id));
      items = defs.map((d) => {
        if (d.level === 'city') return this.ownItem(d, series.get(d.id)?.get(CITY), year);
        if (d.level === 'county') return this.rollupItem(d, 'counties', counties, series.get(d.id), year);
        return this.rollupItem(d, 'schools', schools, series.get(d.id), year);
      });
    }
    const count = (s: IndicatorStatus) => items.filter((i) => i.status === s).length;
    return {
      view,
      organization: org ? { id: org.id, name: org.name, kind: org.kind } : null,
      year,
      summary: { onTarget: count('on_target'), offTarget: count('off_target'), noData: count('no_data') },
      items,
    };
  }

  /**
   * Enters (or replaces) the value of an entered indicator for one organization and school year. Coordinators
   * within their scope; a school admin for their own school (school-level indicators only, by the level rule).
   */
  async enterValue(principal: Principal, key: string, dto: EnterIndicatorValueDto): Promise<IndicatorValueView> {
    const def = await this.requireDefinition(key);
    if (def.computedFrom) throw new DomainException('INDICATOR_COMPUTED', undefined, { computedFrom: def.computedFrom });
    await this.assertInScope(principal, dto.organizationId);
    const org = await this.organizations.findOne({ where: { id: dto.organizationId } });
    if (!org) throw new DomainException('ORGANIZATION_NOT_FOUND');
    if (indicatorLevelOf(org) !== def.level) {
      throw new DomainException('INDICATOR_LEVEL_MISMATCH', undefined, { indicatorLevel: def.level, organizationKind: org.kind });
    }
    if (def.direction === 'done' && dto.value !== 0 && dto.value !== 1) throw new DomainException('INDICATOR_VALUE_INVALID');
    const current = currentSchoolYear(shanghaiDate());
    if (dto.year > current) throw new DomainException('INDICATOR_YEAR_IN_FUTURE', undefined, { currentSchoolYear: current });

    const where = { definitionId: def.id, organizationId: org.id, year: dto.year };
    const write = async (): Promise<{ row: IndicatorValue; created: boolean }> => {
      const existing = await this.values.findOne({ where });
      if (existing) {
        existing.value = dto.value;
        existing.source = dto.source;
        existing.enteredById = principal.userId;
        return { row: await this.values.save(existing), created: false };
      }
      const row = this.values.create({ ...where, value: dto.value, source: dto.source, enteredById: principal.userId });
      await this.values.insert(row);
      return { row: await this.values.findOneOrFail({ where }), created: true };
    };
    let result: { row: IndicatorValue; created: boolean };
    try {
      result = await write();
    } catch (err) {
      // Someone entered the same year at the same moment; theirs is there now, so replace it.
      if (!isUniqueViolation(err)) throw err;
      result = await write();
    }
    const previous = await this.values.findOne({ where: { ...where, year: dto.year - 1 } });
    const { row, created } = result;
    return {
      id: row.id,
      key: def.key,
      organizationId: row.organizationId,
      year: row.year,
      value: row.value,
      source: row.source,
      enteredById: row.enteredById,
      status: evaluate(def, row.value, previous?.value ?? null).status,
      created,
      updatedAt: row.updatedAt,
    };
  }

  /**
   * The school- and county-level values that are off target in `year` where the target applies (see isDue):
   * what the supervision scan flags. City-level targets are the city's own and not ordered onto anyone.
   */
  async offTargetFindings(year: number): Promise<IndicatorFinding[]> {
    const defs = await this.definitions.find({ where: { level: In(['school', 'county']) }, order: { sortOrder: 'ASC', key: 'ASC' } });
    const due = defs.filter((d) => isDue(d, year));
    if (!due.length) return [];
    const [schools, counties] = await Promise.all([
      this.organizations.find({ where: { kind: 'school' }, order: { name: 'ASC' } }),
      this.organizations.find({ where: { kind: 'county' }, order: { name: 'ASC' } }),
    ]);
    const series = await this.load(due, [...schools, ...counties].map((o) => o.id));
    const findings: IndicatorFinding[] = [];
    for (const def of due) {
      for (const org of def.level === 'school' ? schools : counties) {
        const points = series.get(def.id)?.get(org.id);
        const point = points?.get(year);
        const evaluation = evaluate(def, point?.value ?? null, points?.get(year - 1)?.value ?? null);
        if (evaluation.status !== 'off_target') continue;
        findings.push({
          definitionId: def.id,
          key: def.key,
          nameZh: def.nameZh,
          unit: def.unit,
          direction: def.direction,
          target: def.target,
          level: def.level,
          organizationId: org.id,
          organizationName: org.name,
          organizationKind: org.kind,
          countyId: org.kind === 'county' ? org.id : org.countyId,
          year,
          value: point!.value,
          lowered: evaluation.lowered,
        });
      }
    }
    return findings;
  }

  // ---- internals ----

  private async requireDefinition(key: string): Promise<IndicatorDefinition> {
    const def = await this.definitions.findOne({ where: { key } });
    if (!def) throw new DomainException('INDICATOR_NOT_FOUND', undefined, { key });
    return def;
  }

  private async assertInScope(principal: Principal, organizationId: string): Promise<void> {
    const target = await this.scopeLoader.load(organizationId);
    if (!target) throw new DomainException('ORGANIZATION_NOT_FOUND');
    const extra =
      principal.role === 'city_admin' || principal.role === 'county_admin' ? [] : await this.scopeLoader.extraOrganizationIds(principal);
    if (!isWithinScope(principal, target, extra)) throw new DomainException('OUT_OF_SCOPE');
  }

  /** Every value of `defs` for `organizationIds` (and city-level values under CITY), all years. */
  private async load(defs: readonly IndicatorDefinition[], organizationIds: readonly string[]): Promise<SeriesMap> {
    const series: SeriesMap = new Map(defs.map((d) => [d.id, new Map()]));
    const put = (definitionId: string, holder: string, year: number, point: Point) => {
      const byHolder = series.get(definitionId)!;
      if (!byHolder.has(holder)) byHolder.set(holder, new Map());
      byHolder.get(holder)!.set(year, point);
    };

    const computed = defs.filter((d) => d.computedFrom);
    if (computed.length && organizationIds.length) {
      const rows = await this.stats.find({ where: { organizationId: In([...organizationIds]) } });
      for (const row of rows) {
        for (const def of computed) {
          const value = computeFromStats(def.computedFrom!, row);
          if (value !== null) put(def.id, row.organizationId, row.year, { value, source: COMPUTED_SOURCE_LABEL });
        }
      }
    }

    const entered = defs.filter((d) => !d.computedFrom && d.level !== 'city');
    if (entered.length && organizationIds.length) {
      const rows = await this.values.find({ where: { definitionId: In(entered.map((d) => d.id)), organizationId: In([...organizationIds]) } });
      for (const row of rows) put(row.definitionId, row.organizationId, row.year, { value: row.value, source: row.source });
    }

    const city = defs.filter((d) => !d.computedFrom && d.level === 'city');
    if (city.length) {
      // Oldest first, so where two city units entered the same year the latest entry wins.
      const rows = await this.values.find({ where: { definitionId: In(city.map((d) => d.id)) }, order: { updatedAt: 'ASC' } });
      for (const row of rows) put(row.definitionId, CITY, row.year, { value: row.value, source: row.source });
    }
    return series;
  }

  private ownItem(def: IndicatorDefinition, points: Map<number, Point> | undefined, year: number): IndicatorStatusItem {
    const values = new Map([...(points ?? new Map<number, Point>())].map(([y, p]) => [y, p.value]));
    const point = points?.get(year);
    const evaluation = evaluate(def, point?.value ?? null, values.get(year - 1) ?? null);
    return {
      ...toDefinitionView(def),
      basis: 'own',
      year,
      value: point?.value ?? null,
      valueUnit: def.unit,
      status: evaluation.status,
      source: point?.source ?? null,
      lowered: evaluation.lowered,
      due: isDue(def, year),
      rollup: null,
      trend: trendOf(def, values),
    };
  }

  private rollupItem(
    def: IndicatorDefinition,
    of: 'schools' | 'counties',
    members: readonly Organization[],
    byOrg: Map<string, Map<number, Point>> | undefined,
    year: number,
  ): IndicatorStatusItem {
    const statusAt = (orgId: string, y: number): IndicatorStatus => {
      const points = byOrg?.get(orgId);
      return evaluate(def, points?.get(y)?.value ?? null, points?.get(y - 1)?.value ?? null).status;
    };
    const memberViews = members.map((m) => ({
      organizationId: m.id,
      name: m.name,
      value: byOrg?.get(m.id)?.get(year)?.value ?? null,
      status: statusAt(m.id, year),
    }));
    const rollup = rollupOf(memberViews.map((m) => m.status));

    const years = new Set<number>();
    for (const m of members) for (const y of byOrg?.get(m.id)?.keys() ?? []) years.add(y);
    const trendPoints: TrendPoint[] = [];
    for (const y of [...years].sort((a, b) => a - b)) {
      const r = rollupOf(members.map((m) => statusAt(m.id, y)));
      if (r.shareOnTarget !== null) trendPoints.push({ year: y, value: r.shareOnTarget, status: r.status });
    }
    return {
      ...toDefinitionView(def),
      basis: 'rollup',
      year,
      value: rollup.shareOnTarget,
      valueUnit: '%',
      status: rollup.status,
      source: null,
      lowered: false,
      due: isDue(def, year),
      rollup: {
        of,
        total: rollup.total,
        onTarget: rollup.onTarget,
        offTarget: rollup.offTarget,
        noData: rollup.noData,
        shareOnTarget: rollup.shareOnTarget,
        members: memberViews,
      },
      // A higher share of members on target is better whatever the indicator's own direction.
      trend: { points: trendPoints, direction: directionOf({ direction: 'at_least' }, trendPoints.map((p) => p.value)) },
    };
  }
}
