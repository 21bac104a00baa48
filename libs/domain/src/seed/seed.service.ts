import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig, isUniqueViolation } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { SchoolYearStats } from '../organizations/school-year-stats.entity';
import { User } from '../accounts/user.entity';
import { UsersService } from '../accounts/users.service';
import { IndicatorsSeeder } from '../indicators/indicators.seeder';
import { PartnershipsSeeder } from '../partnerships/partnerships.seeder';
import { ResearchSessionsSeeder } from '../research/sessions/research-sessions.seeder';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { SEED_COUNTIES, SEED_OTHER_ORGANIZATIONS, SEED_SCHOOLS, SEED_YEARS, seedStatsFor } from './seed-data';

/**
 * Loads the Guangyuan demo data: counties, schools with three years of figures, partner bodies, city units and
 * the demo accounts. Idempotent: everything is looked up by its unique name (or username) and only what is
 * missing is created; records that exist are left as they are, so edits made in the app survive a re-seed.
 */
@Injectable()
export class SeedService {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    @InjectRepository(SchoolYearStats) private readonly stats: Repository<SchoolYearStats>,
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly usersService: UsersService,
    private readonly config: AppConfig,
    private readonly indicatorsSeeder: IndicatorsSeeder,
    private readonly partnershipsSeeder: PartnershipsSeeder,
    private readonly researchSessionsSeeder: ResearchSessionsSeeder,
  ) {}

  async run(): Promise<{ created: number }> {
    let created = 0;
    const byName = new Map<string, Organization>();
    const ensure = async (values: Partial<Organization> & Pick<Organization, 'name' | 'kind'>) => {
      const { org, isNew } = await this.ensureOrganization(values);
      if (isNew) created++;
      byName.set(org.name, org);
      return org;
    };

    for (const county of SEED_COUNTIES) {
      await ensure({ name: county.name, kind: 'county', countyId: null, location: `广元市${county.name}` });
    }
    for (const school of SEED_SCHOOLS) {
      const org = await ensure({
        name: school.name,
        kind: 'school',
        countyId: byName.get(school.county)!.id,
        code: school.code,
        ownership: school.ownership,
        locality: school.locality,
        designation: school.designation,
        isWeak: school.isWeak,
        location: school.location,
      });
      for (const year of SEED_YEARS) {
        if (await this.ensureStats(org.id, seedStatsFor(school.figures, year))) created++;
      }
    }
    for (const other of SEED_OTHER_ORGANIZATIONS) {
      await ensure({ name: other.name, kind: other.kind, countyId: null, location: other.location });
    }

    for (const account of DEMO_ACCOUNTS) {
      const organization = byName.get(account.organization);
      if (!organization) throw new Error(`Seed: demo account ${account.username} names unknown organization ${account.organization}`);
      const exists = await this.users.exists({ where: { username: account.username } });
      await this.usersService.ensureUser({
        username: account.username,
        name: account.name,
        role: account.role,
        organizationId: organization.id,
        password: this.config.DEMO_PASSWORD,
        subject: account.subject ?? null,
      });
      if (!exists) created++;
    }
    created += await this.indicatorsSeeder.run();
    created += await this.partnershipsSeeder.run();
    created += await this.researchSessionsSeeder.run();
    if (created) this.logger.log(`Seed: created ${created} record(s)`);
    return { created };
  }

  private async ensureOrganization(values: Partial<Organization> & Pick<Organization, 'name' | 'kind'>): Promise<{ org: Organization; isNew: boolean }> {
    const existing = await this.organizations.findOne({ where: { name: values.name } });
    if (existing) return { org: existing, isNew: false };
    try {
      const org = await this.organizations.save(this.organizations.create({ isWeak: false, ...values }));
      return { org, isNew: true };
    } catch (err) {
      // Another instance seeding at the same moment created it first.
      if (!isUniqueViolation(err)) throw err;
      return { org: await this.organizations.findOneOrFail({ where: { name: values.name } }), isNew: false };
    }
  }

  private async ensureStats(organizationId: string, values: ReturnType<typeof seedStatsFor>): Promise<boolean> {
    if (await this.stats.exists({ where: { organizationId, year: values.year } })) return false;
    try {
      await this.stats.insert(this.stats.create({ organizationId, ...values, updatedById: null }));
      return true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return false;
    }
  }
}
