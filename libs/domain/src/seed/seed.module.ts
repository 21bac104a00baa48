import { Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { SchoolYearStats } from '../organizations/school-year-stats.entity';
import { User } from '../accounts/user.entity';
import { AccountsModule } from '../accounts/accounts.module';
import { SeedService } from './seed.service';
import { IndicatorsModule } from '../indicators/indicators.module';
import { PartnershipsSeedModule } from '../partnerships/partnerships-seed.module';
import { ResearchSessionsSeedModule } from '../research/sessions/research-sessions-seed.module';

/**
 * Runs the seed when the application starts and `config.seedOnStart` is on (default for the embedded SQLite
 * mode). Migrations have run by then: the DataSource is initialised (with migrationsRun) before bootstrap.
 */
@Injectable()
export class SeedOnStart implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly seed: SeedService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.seedOnStart) await this.seed.run();
  }
}

/** The seed itself, without the start-up hook: what `npm run seed` uses. */
@Module({
  imports: [TypeOrmModule.forFeature([Organization, SchoolYearStats, User]), AccountsModule, IndicatorsModule, PartnershipsSeedModule, ResearchSessionsSeedModule],
  providers: [SeedService],
  exports: [SeedService],
})
export class SeedCoreModule {}

/** The seed plus its start-up hook; DomainModule imports this one, so the api (and tests) seed on start. */
@Module({
  imports: [SeedCoreModule],
  providers: [SeedOnStart],
  exports: [SeedCoreModule],
})
export class SeedModule {}
