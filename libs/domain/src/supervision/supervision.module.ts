import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { OrganizationsModule } from '../organizations/organizations.module';
import { IndicatorsModule } from '../indicators/indicators.module';
import { PlansModule } from '../plans/plans.module';
import { Rectification } from './rectification.entity';
import { RectificationEvent } from './rectification-event.entity';
import { RectificationFile } from './rectification-file.entity';
import { RectificationsService } from './rectifications.service';
import { RectificationEvidenceUploadInterceptor } from './rectification-evidence-upload.interceptor';
import { SupervisionService } from './supervision.service';
import { SupervisionScheduler } from './supervision.scheduler';
import { SupervisionController } from './supervision.controller';
import { RectificationsController } from './rectifications.controller';

/**
 * Supervision (督导, item 5): the daily scan and its on-demand run, and rectification orders (限期整改).
 * Exports RectificationsService so dashboards and reports can read orders.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Rectification, RectificationEvent, RectificationFile, Organization, User]), OrganizationsModule, IndicatorsModule, PlansModule],
  controllers: [SupervisionController, RectificationsController],
  providers: [RectificationsService, SupervisionService, SupervisionScheduler, RectificationEvidenceUploadInterceptor],
  exports: [RectificationsService, SupervisionService],
})
export class SupervisionModule {}
