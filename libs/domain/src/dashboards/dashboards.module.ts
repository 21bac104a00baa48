import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../organizations/organization.entity';
import { IndicatorsModule } from '../indicators/indicators.module';
import { PlansModule } from '../plans/plans.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { DashboardsController } from './dashboards.controller';
import { DashboardsService } from './dashboards.service';
import { SupervisionSnapshotService } from './supervision-snapshot.service';

/**
 * Dashboards (item 6). Exports SupervisionSnapshotService, the one query service the reports context builds
 * its spreadsheet from. PartnershipsService comes from the global PartnershipsModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Organization]), PlansModule, IndicatorsModule, SupervisionModule],
  controllers: [DashboardsController],
  providers: [SupervisionSnapshotService, DashboardsService],
  exports: [SupervisionSnapshotService],
})
export class DashboardsModule {}
