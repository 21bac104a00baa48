import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig, ScopeTargetLoader } from '@app/platform';
import { Organization } from './organization.entity';
import { SchoolYearStats } from './school-year-stats.entity';
import { OrganizationScopeLoader } from './organization-scope.loader';
import { OrganizationsService } from './organizations.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationImportController } from './import/organization-import.controller';
import { OrganizationImportService } from './import/organization-import.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Organization, SchoolYearStats]),
    // Spreadsheets are small and parsed at once, so memory storage; the size limit turns into a 413.
    MulterModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ limits: { fileSize: config.IMPORT_MAX_BYTES, files: 1, fields: 5, parts: 6 } }),
    }),
  ],
  // The import controller goes first: its `import/template` route must win over `:id/stats`.
  controllers: [OrganizationImportController, OrganizationsController],
  providers: [
    OrganizationScopeLoader,
    // useExisting, so the guard and the services share one loader (and one cache to invalidate).
    { provide: ScopeTargetLoader, useExisting: OrganizationScopeLoader },
    OrganizationsService,
    OrganizationImportService,
  ],
  exports: [ScopeTargetLoader, OrganizationScopeLoader, OrganizationsService],
})
export class OrganizationsModule {}
