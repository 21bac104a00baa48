import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../organizations/organization.entity';
import { SchoolYearStats } from '../organizations/school-year-stats.entity';
import { OrganizationsModule } from '../organizations/organizations.module';
import { IndicatorDefinition } from './indicator-definition.entity';
import { IndicatorValue } from './indicator-value.entity';
import { IndicatorsController } from './indicators.controller';
import { IndicatorsSeeder } from './indicators.seeder';
import { IndicatorsService } from './indicators.service';

@Module({
  imports: [TypeOrmModule.forFeature([IndicatorDefinition, IndicatorValue, SchoolYearStats, Organization]), OrganizationsModule],
  controllers: [IndicatorsController],
  providers: [IndicatorsService, IndicatorsSeeder],
  exports: [IndicatorsService, IndicatorsSeeder],
})
export class IndicatorsModule {}
