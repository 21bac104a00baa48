import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppConfig, DomainException, Principal, isWithinScope, shanghaiDate, shanghaiYear } from '@app/platform';
import { User } from '../../accounts/user.entity';
import { Organization } from '../../organizations/organization.entity';
import { TRAINING_LEVELS } from '../sessions/research-session.entity';
import { TrainingRecord } from './training-record.entity';
import { CreateTrainingRecordDto, ShortfallPage, ShortfallQuery, TrainingByLevel, TrainingRecordView, UserTrainingView } from './training.dto';

/** Two decimals, so sums of decimal(5,2) values do not show floating-point tails. */
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Yearly training hours per person (issue 5 item 5): session records written by AttendanceService.finalise,
 * manual records entered by city/county coordinators, and the county's list of teachers under the target.
 */
@Injectable()
export class TrainingService {
  constructor(
    @InjectRepository(TrainingRecord) private readonly records: Repository<TrainingRecord>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** The person, their school's admin, their county's coordinator and the city; others are refused. */
  async forUser(principal: Principal, userId: string, year: number = shanghaiYear()): Promise<UserTrainingView> {
    const { user, org } = await this.loadUser(userId);
    const allowed =
      principal.userId === user.id ||
      (principal.role === 'school_admin' && principal.organizationId === user.organizationId) ||
      ((principal.role === 'county_admin' || principal.role === 'city_admin') && isWithinScope(principal, { id: org.id, kind: org.kind, countyId: org.countyId }));
    if (!allowed) throw new DomainException('TRAINING_ACCESS_DENIED');
    const rows = await this.records.find({ where: { userId, year }, order: { activityDate: 'ASC', createdAt: 'ASC' } });
    const byLevel = Object.fromEntries(TRAINING_LEVELS.map((l) => [l, 0])) as unknown as TrainingByLevel;
    for (const r of rows) byLevel[r.level] = round2(byLevel[r.level] + r.hours);
    return {
      userId: user.id,
      name: user.name,
      year,
      targetHours: this.config.TRAINING_HOURS_TARGET,
      totalHours: round2(rows.reduce((sum, r) => sum + r.hours, 0)),
      byLevel,
      records: rows.map(toView),
    };
  }

  /** A manual record, by the city or the county coordinator of the person's organization. */
  async createManual(principal: Principal, dto: CreateTrainingRecordDto): Promise<TrainingRecordView> {
    const { user, org } = await this.loadUser(dto.userId);
    this.assertCoordinatorOf(principal, org);
    if (!user.active) throw new DomainException('TRAINING_TARGET_INVALID');
    if (dto.activityDate > shanghaiDate()) throw new DomainException('TRAINING_DATE_IN_FUTURE');
    const record = this.records.create({
      userId: user.id,
      organizationId: user.organizationId,
      year: Number(dto.activityDate.slice(0, 4)),
      activityDate: dto.activityDate,
      source: 'manual',
      sessionId: null,
      title: dto.title,
      level: dto.level,
      hours: dto.hours,
      attendedMinutes: null,
      enteredByUserId: principal.userId,
      note: dto.note || null,
    });
    await this.records.insert(record);
    return toView(await this.records.findOneByOrFail({ id: record.id }));
  }

  /** Deletes a manual record (session records follow attendance and are not deleted by hand). */
  async deleteManual(principal: Principal, id: string): Promise<void> {
    const record = await this.records.findOne({ where: { id } });
    if (!record) throw new DomainException('TRAINING_RECORD_NOT_FOUND');
    const org = await this.organizations.findOne({ where: { id: record.organizationId }, select: { id: true, kind: true, countyId: true } });
    if (!org || !this.isCoordinatorOf(principal, org)) throw new DomainException('TRAINING_RECORD_NOT_FOUND');
    if (record.source !== 'manual') throw new DomainException('TRAINING_RECORD_NOT_MANUAL');
    await this.records.delete({ id });
  }

  /**
   * Teachers of the county's schools (all counties for the city when none is given) whose hours for the year are
   * under the target, fewest first. One grouped query; a county coordinator may ask only about their own county.
   */
  async shortfall(principal: Principal, query: ShortfallQuery): Promise<ShortfallPage> {
    const year = query.year ?? shanghaiYear();
    const target = this.config.TRAINING_HOURS_TARGET;
    let countyId: string | null = query.countyId ?? null;
    if (principal.role === 'county_admin') {
      if (countyId && countyId !== principal.organizationId) throw new DomainException('OUT_OF_SCOPE');
      countyId = principal.organizationId;
    } else if (countyId) {
      const county = await this.organizations.findOne({ where: { id: countyId }, select: { id: true, kind: true } });
      if (!county || county.kind !== 'county') throw new DomainException('TRAINING_COUNTY_INVALID');
    }
    const base = this.dataSource
      .createQueryBuilder()
      .from(User, 'u')
      .innerJoin(Organization, 'o', 'o.id = u.organizationId')
      .leftJoin(TrainingRecord, 'r', 'r.userId = u.id AND r.year = :year', { year })
      .where('u.role = :role', { role: 'teacher' })
      .andWhere('u.active = :active', { active: true })
      .andWhere('o.kind = :kind', { kind: 'school' })
      .groupBy('u.id')
      .addGroupBy('u.name')
      .addGroupBy('o.id')
      .addGroupBy('o.name')
      .having('COALESCE(SUM(r.hours), 0) < :target', { target });
    if (countyId) base.andWhere('o.countyId = :countyId', { countyId });
    const rows = await base
      .clone()
      .select('u.id', 'userId')
      .addSelect('u.name', 'name')
      .addSelect('o.id', 'organizationId')
      .addSelect('o.name', 'schoolName')
      .addSelect('COALESCE(SUM(r.hours), 0)', 'totalHours')
      .orderBy('COALESCE(SUM(r.hours), 0)', 'ASC')
      .addOrderBy('u.name', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .offset(query.offset)
      .limit(query.limit)
      .getRawMany<{ userId: string; name: string; organizationId: string; schoolName: string; totalHours: string | number }>();
    const [countQuery, countParams] = base.clone().select('u.id', 'userId').getQueryAndParameters();
    const countRows: { n: string | number }[] = await this.dataSource.query(`SELECT COUNT(*) AS n FROM (${countQuery}) shortfall_teachers`, countParams);
    return {
      year,
      targetHours: target,
      countyId,
      items: rows.map((r) => {
        const totalHours = round2(Number(r.totalHours));
        return { userId: r.userId, name: r.name, organizationId: r.organizationId, schoolName: r.schoolName, totalHours, shortfallHours: round2(target - totalHours) };
      }),
      total: Number(countRows[0]?.n ?? 0),
      page: query.page,
      limit: query.limit,
    };
  }

  private async loadUser(userId: string): Promise<{ user: User; org: Organization }> {
    const user = await this.users.findOne({ where: { id: userId }, select: { id: true, name: true, organizationId: true, active: true, role: true } });
    if (!user) throw new DomainException('TRAINING_USER_NOT_FOUND');
    const org = await this.organizations.findOne({ where: { id: user.organizationId }, select: { id: true, kind: true, countyId: true } });
    if (!org) throw new DomainException('TRAINING_USER_NOT_FOUND');
    return { user, org };
  }

  private isCoordinatorOf(principal: Principal, org: Organization): boolean {
    return (principal.role === 'city_admin' || principal.role === 'county_admin') && isWithinScope(principal, { id: org.id, kind: org.kind, countyId: org.countyId });
  }

  private assertCoordinatorOf(principal: Principal, org: Organization): void {
    if (!this.isCoordinatorOf(principal, org)) throw new DomainException('TRAINING_ACCESS_DENIED');
  }
}

function toView(r: TrainingRecord): TrainingRecordView {
  return {
    id: r.id,
    userId: r.userId,
    organizationId: r.organizationId,
    year: r.year,
    activityDate: r.activityDate,
    source: r.source,
    sessionId: r.sessionId,
    title: r.title,
    level: r.level,
    hours: r.hours,
    attendedMinutes: r.attendedMinutes,
    enteredByUserId: r.enteredByUserId,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
  };
}
