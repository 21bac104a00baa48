import { Module } from '@nestjs/common';
import { DashboardsModule } from '../dashboards/dashboards.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** Reports (item 7): the .xlsx supervision report, built from the dashboards' SupervisionSnapshotService. */
@Module({
  imports: [DashboardsModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
