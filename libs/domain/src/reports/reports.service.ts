import { Injectable } from '@nestjs/common';
import { Principal } from '@app/platform';
import { breakdownOf, figuresOf, scopeName } from '../dashboards/supervision-figures';
import { SupervisionSnapshotService } from '../dashboards/supervision-snapshot.service';
import { buildSupervisionWorkbook } from './supervision-report.builder';

export interface SupervisionReportFile {
  buffer: Buffer;
  /** Chinese download name, e.g. 剑阁县督导报告-2026-05-01.xlsx */
  filename: string;
  /** ASCII fallback for old clients. */
  asciiFilename: string;
}

/**
 * Reports (item 7): the .xlsx supervision report of the whole city or one county, for the city admin (any
 * county or the city) and county coordinators (their own county, the default). Same scope rule and the same
 * snapshot as the dashboard.
 */
@Injectable()
export class ReportsService {
  constructor(private readonly snapshots: SupervisionSnapshotService) {}

  async supervisionReport(principal: Principal, query: { countyId?: string }): Promise<SupervisionReportFile> {
    const scope = await this.snapshots.resolveScope(principal, { countyId: query.countyId });
    const snapshot = await this.snapshots.load(scope);
    const workbook = buildSupervisionWorkbook(snapshot, figuresOf(snapshot), breakdownOf(snapshot));
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const slug = scope.level === 'city' ? 'city' : 'county';
    return {
      buffer,
      filename: `${scopeName(scope)}督导报告-${snapshot.today}.xlsx`,
      asciiFilename: `supervision-report-${slug}-${snapshot.today}.xlsx`,
    };
  }
}
