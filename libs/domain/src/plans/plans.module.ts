import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { IndicatorDefinition } from '../indicators/indicator-definition.entity';
import { OrganizationsModule } from '../organizations/organizations.module';
import { Plan } from './plan.entity';
import { Measure } from './measure.entity';
import { ProgressUpdate } from './progress-update.entity';
import { EvidenceFile } from './evidence-file.entity';
import { PlanAccess } from './plan-access';
import { PlanViews } from './plan-views';
import { PlansService } from './plans.service';
import { MeasuresService } from './measures.service';
import { ProgressService } from './progress.service';
import { EvidenceService } from './evidence.service';
import { PlansReadService } from './plans-read.service';
import { MeasureEvidenceUploadInterceptor } from './evidence-upload.interceptor';
import { MeasureImportService } from './import/measure-import.service';
import { PlansController } from './plans.controller';
import { MeasuresController } from './measures.controller';
import { EvidenceController } from './evidence.controller';

/**
 * 一校一策 (item 3), the measures import (item 7) and plan permissions (item 9). Exports MeasuresService
 * (findOverdue for supervision), PlansReadService (roll-ups and rows for dashboards and reports) and PlanAccess.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Plan, Measure, ProgressUpdate, EvidenceFile, Organization, User, IndicatorDefinition]),
    OrganizationsModule,
    // The measures import reads one small spreadsheet into memory; over the limit multer answers 413.
    MulterModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.IMPORT_MAX_BYTES, files: 1, fields: 5, parts: 6 } }),
    }),
  ],
  controllers: [PlansController, MeasuresController, EvidenceController],
  providers: [PlanAccess, PlanViews, PlansService, MeasuresService, ProgressService, EvidenceService, PlansReadService, MeasureEvidenceUploadInterceptor, MeasureImportService],
  exports: [PlanAccess, PlansService, MeasuresService, PlansReadService],
})
export class PlansModule {}
