import { Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { SeedModule } from './seed/seed.module';
import { NotificationsModule } from './notifications/notifications.module';
import { IndicatorsModule } from './indicators/indicators.module';
import { PlansModule } from './plans/plans.module';
import { PartnershipsModule } from './partnerships/partnerships.module';
import { SupervisionModule } from './supervision/supervision.module';
import { ResourcesModule } from './resources/resources.module';
import { PushesModule } from './resources/pushes/pushes.module';
import { ResourceSearchModule } from './resources/search/resource-search.module';
import { CollectionsModule } from './resources/collections/collections.module';
import { DashboardsModule } from './dashboards/dashboards.module';
import { ReportsModule } from './reports/reports.module';
import { ResearchSessionsModule } from './research/sessions/research-sessions.module';
import { TrainingModule } from './research/training/training.module';
import { LiveModule } from './research/live/live.module';

/** Every bounded context; the api serves their controllers and the worker runs their jobs. */
@Module({
  imports: [OrganizationsModule, AccountsModule, SeedModule, NotificationsModule, IndicatorsModule, PlansModule, PartnershipsModule, SupervisionModule, ResourcesModule, PushesModule, ResourceSearchModule, CollectionsModule, DashboardsModule, ReportsModule, ResearchSessionsModule, TrainingModule, LiveModule],
  exports: [OrganizationsModule, AccountsModule, SeedModule, NotificationsModule, IndicatorsModule, PlansModule, PartnershipsModule, SupervisionModule, ResourcesModule, PushesModule, ResourceSearchModule, CollectionsModule, DashboardsModule, ReportsModule, ResearchSessionsModule, TrainingModule, LiveModule],
})
export class DomainModule {}
