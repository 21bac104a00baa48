import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainException, isWithinScope, Page, Principal, toPage, isUniqueViolation } from '@app/platform';
import { Organization, OrganizationKind } from './organization.entity';
import { SchoolYearStats } from './school-year-stats.entity';
import { OrganizationScopeLoader } from './organization-scope.loader';
import {
  CreateOrganizationDto,
  ListOrganizationsQuery,
  OrganizationDetailView,
  OrganizationView,
  PutSchoolYearStatsDto,
  SchoolYearStatsList,
  SchoolYearStatsView,
  UpdateOrganizationDto,
} from './organizations.dto';

/** Fields that are supervision decisions of the city or county, never of the school itself. */
const SUPERVISION_FIELDS = ['isWeak', 'designation', 'kind', 'countyId'] as const;

/** `%`, `_` and the escape character itself are literal in a search term. */
export function likeContains(term: string): string {
  return `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

export function toOrganizationView(org: Organization, countyName: string | null = org.county?.name ?? null): OrganizationView {
  return {
    id: org.id,
    name: org.name,
    kind: org.kind,
    countyId: org.countyId,
    countyName,
    code: org.code,
    ownership: org.ownership,
    locality: org.locality,
    designation: org.designation,
    isWeak: !!org.isWeak,
    location: org.location,
  };
}

export function toStatsView(stats: SchoolYearStats): SchoolYearStatsView {
  return {
    organizationId: stats.organizationId,
    year: stats.year,
    students: stats.students,
    classes: stats.classes,
    teachers: stats.teachers,
    largestClass: stats.largestClass,
    perStudentFunding: stats.perStudentFunding,
    newEntryLargestClass: stats.newEntryLargestClass,
    researchers: stats.researchers,
    notes: stats.notes,
    updatedById: stats.updatedById,
    updatedAt: stats.updatedAt,
  };
}

/**
 * The registry of counties, schools and partner bodies. Reading is open to every signed-in role (it is shared
 * information); writing follows the scope rule, and a school may not change its own supervision fields.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(SchoolYearStats) private readonly stats: Repository<SchoolYearStats>,
    private readonly scopeLoader: OrganizationScopeLoader,
  ) {}

  async list(query: ListOrganizationsQuery): Promise<Page<OrganizationView>> {
    const qb = this.organizations.createQueryBuilder('o').leftJoinAndSelect('o.county', 'c');
    if (query.kind) qb.andWhere('o.kind = :kind', { kind: query.kind });
    if (query.countyId) qb.andWhere('o.countyId = :countyId', { countyId: query.countyId });
    if (query.isWeak !== undefined) qb.andWhere('o.isWeak = :isWeak', { isWeak: query.isWeak });
    if (query.q) qb.andWhere("(o.name LIKE :q ESCAPE '!' OR o.code LIKE :q ESCAPE '!')", { q: likeContains(query.q) });
    qb.orderBy('o.kind', 'ASC').addOrderBy('o.name', 'ASC').addOrderBy('o.id', 'ASC');
    qb.skip(query.offset).take(query.limit);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(rows.map((o) => toOrganizationView(o)), total, query);
  }

  async get(id: string): Promise<OrganizationDetailView> {
    const org = await this.organizations.findOne({ where: { id }, relations: { county: true } });
    if (!org) throw new DomainException('ORGANIZATION_NOT_FOUND');
    const latest = org.kind === 'school' ? await this.stats.findOne({ where: { organizationId: id }, order: { year: 'DESC' } }) : null;
    let schoolCounts: OrganizationDetailView['schoolCounts'] = null;
    if (org.kind === 'county') {
      const [schools, weakSchools] = await Promise.all([
        this.organizations.count({ where: { countyId: id, kind: 'school' } }),
        this.organizations.count({ where: { countyId: id, kind: 'school', isWeak: true } }),
      ]);
      schoolCounts = { schools, weakSchools };
    }
    return {
      ...toOrganizationView(org),
      latestStats: latest ? toStatsView(latest) : null,
      schoolCounts,
      createdAt: org.createdAt,
      updatedAt: org.updatedAt,
    };
  }

  async listStats(id: string): Promise<SchoolYearStatsList> {
    await this.require(id);
    const rows = await this.stats.find({ where: { organizationId: id }, order: { year: 'ASC' } });
    return { items: rows.map(toStatsView) };
  }

  async create(principal: Principal, dto: CreateOrganizationDto): Promise<OrganizationView> {
    let countyId = dto.countyId ?? null;
    if (principal.role === 'county_admin') {
      if (dto.kind !== 'school') throw new DomainException('ACCESS_DENIED', '县区管理员只能新增本县区的学校');
      countyId ??= principal.organizationId;
      if (countyId !== principal.organizationId) throw new DomainException('OUT_OF_SCOPE', '只能在本县区新增学校');
    } else if (principal.role !== 'city_admin') {
      throw new DomainException('ACCESS_DENIED');
    }
    const county = await this.validateCounty(dto.kind, countyId);
    await this.assertUnique(dto.name, dto.code ?? null);

    const org = this.organizations.create({
      name: dto.name,
      kind: dto.kind,
      countyId,
      code: dto.code ?? null,
      ownership: dto.ownership ?? null,
      locality: dto.locality ?? null,
      designation: dto.designation ?? null,
      isWeak: dto.isWeak ?? false,
      location: dto.location ?? null,
    });
    await this.saveUnique(org);
    return toOrganizationView(org, county?.name ?? null);
  }

  async update(principal: Principal, id: string, dto: UpdateOrganizationDto): Promise<OrganizationView> {
    const org = await this.require(id);
    this.assertInScope(principal, org);
    switch (principal.role) {
      case 'city_admin':
        break;
      case 'county_admin':
        if (org.kind !== 'school') throw new DomainException('ACCESS_DENIED', '县区管理员只能修改本县区学校的信息');
        if (dto.kind !== undefined && dto.kind !== 'school') throw new DomainException('ACCESS_DENIED', '县区管理员不能修改单位类型');
        if (dto.countyId !== undefined && dto.countyId !== principal.organizationId) {
          throw new DomainException('OUT_OF_SCOPE', '不能把学校划转到其他县区');
        }
        break;
      case 'school_admin': {
        const sent = SUPERVISION_FIELDS.filter((field) => dto[field] !== undefined);
        if (sent.length) {
          throw new DomainException('ACCESS_DENIED', '薄弱学校认定、办学等级、单位类型和所属县区由教育主管部门维护', { fields: sent });
        }
        break;
      }
      default:
        throw new DomainException('ACCESS_DENIED');
    }

    const kind = dto.kind ?? org.kind;
    if ((kind === 'county') !== (org.kind === 'county')) {
      // Schools and users hang off a county; turning one into something else (or back) would orphan them.
      throw new DomainException('VALIDATION_FAILED', '县区与其他类型的单位之间不能互相转换', { field: 'kind' });
    }
    const countyId = dto.countyId !== undefined ? dto.countyId : org.countyId;
    const county = await this.validateCounty(kind, countyId);
    if (kind !== 'school' && (dto.isWeak ?? org.isWeak)) {
      throw new DomainException('VALIDATION_FAILED', '只有学校可以标记为薄弱学校', { field: 'isWeak' });
    }
    if ((dto.name !== undefined && dto.name !== org.name) || (dto.code !== undefined && dto.code !== org.code)) {
      await this.assertUnique(dto.name !== undefined && dto.name !== org.name ? dto.name : null, dto.code !== undefined && dto.code !== org.code ? dto.code : null, org.id);
    }
    const scopeChanged = kind !== org.kind || countyId !== org.countyId;

    if (dto.name !== undefined) org.name = dto.name;
    org.kind = kind;
    org.countyId = countyId;
    if (dto.code !== undefined) org.code = dto.code;
    if (dto.ownership !== undefined) org.ownership = dto.ownership;
    if (dto.locality !== undefined) org.locality = dto.locality;
    if (dto.designation !== undefined) org.designation = dto.designation;
    if (dto.isWeak !== undefined) org.isWeak = dto.isWeak;
    if (dto.location !== undefined) org.location = dto.location;
    delete org.county; // the relation would otherwise win over the changed countyId on save
    await this.saveUnique(org);
    if (scopeChanged) this.scopeLoader.invalidate(org.id);
    return toOrganizationView(org, county?.name ?? null);
  }

  async putStats(principal: Principal, id: string, year: number, dto: PutSchoolYearStatsDto): Promise<SchoolYearStatsView> {
    if (!['city_admin', 'county_admin', 'school_admin'].includes(principal.role)) throw new DomainException('ACCESS_DENIED');
    const org = await this.require(id);
    this.assertInScope(principal, org);
    if (org.kind !== 'school') throw new DomainException('ORGANIZATION_NOT_A_SCHOOL', '只有学校有年度统计数据');
    const values = {
      students: dto.students,
      classes: dto.classes,
      teachers: dto.teachers,
      largestClass: dto.largestClass,
      perStudentFunding: dto.perStudentFunding,
      newEntryLargestClass: dto.newEntryLargestClass ?? null,
      researchers: dto.researchers ?? null,
      notes: dto.notes ?? null,
      updatedById: principal.userId,
    };
    const write = async () => {
      const existing = await this.stats.findOne({ where: { organizationId: id, year } });
      const row = existing ? this.stats.merge(existing, values) : this.stats.create({ organizationId: id, year, ...values });
      await this.stats.save(row);
      // Re-read so the response carries the stored values (decimal rounding, timestamps) on every dialect.
      return this.stats.findOneOrFail({ where: { organizationId: id, year } });
    };
    let saved: SchoolYearStats;
    try {
      saved = await write();
    } catch (err) {
      // Two writers creating the same year at once: the loser retries as an update.
      if (!isUniqueViolation(err)) throw err;
      saved = await write();
    }
    return toStatsView(saved);
  }

  private async require(id: string): Promise<Organization> {
    const org = await this.organizations.findOne({ where: { id } });
    if (!org) throw new DomainException('ORGANIZATION_NOT_FOUND');
    return org;
  }

  /** The guard already checked the route's target; this keeps the rule true for any caller of the service. */
  private assertInScope(principal: Principal, org: Organization): void {
    if (!isWithinScope(principal, { id: org.id, kind: org.kind, countyId: org.countyId })) throw new DomainException('OUT_OF_SCOPE');
  }

  /** A school needs an existing county; a county has none; other bodies may name one. */
  private async validateCounty(kind: OrganizationKind, countyId: string | null): Promise<Organization | null> {
    if (kind === 'county') {
      if (countyId) throw new DomainException('VALIDATION_FAILED', '县区不能隶属于其他县区', { field: 'countyId' });
      return null;
    }
    if (!countyId) {
      if (kind === 'school') throw new DomainException('COUNTY_NOT_FOUND', '学校必须指定所属县区');
      return null;
    }
    const county = await this.organizations.findOne({ where: { id: countyId, kind: 'county' } });
    if (!county) throw new DomainException('COUNTY_NOT_FOUND');
    return county;
  }

  private async assertUnique(name: string | null, code: string | null, exceptId?: string): Promise<void> {
    if (name) {
      const clash = await this.organizations.findOne({ where: { name }, select: { id: true } });
      if (clash && clash.id !== exceptId) throw new DomainException('ORGANIZATION_NAME_TAKEN', `单位名称“${name}”已存在`);
    }
    if (code) {
      const clash = await this.organizations.findOne({ where: { code }, select: { id: true } });
      if (clash && clash.id !== exceptId) throw new DomainException('ORGANIZATION_CODE_TAKEN', `学校代码 ${code} 已被其他单位使用`);
    }
  }

  /** Saves, turning a unique-index race (checked above, lost at insert) into the same 409. */
  private async saveUnique(org: Organization): Promise<void> {
    try {
      await this.organizations.save(org);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const message = String((err as Error).message);
      throw new DomainException(/code/i.test(message) ? 'ORGANIZATION_CODE_TAKEN' : 'ORGANIZATION_NAME_TAKEN');
    }
  }
}
