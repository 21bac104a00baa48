import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AppConfig, DomainException, Principal } from '@app/platform';
import { Organization } from '../../organizations/organization.entity';
import { IndicatorDefinition } from '../../indicators/indicator-definition.entity';
import { detectFormat, ImportRowError, readSpreadsheet } from '../../organizations/import/organization-import.parser';
import { UploadedSpreadsheet } from '../../organizations/import/organization-import.service';
import { Measure } from '../measure.entity';
import { MeasuresService } from '../measures.service';
import { PlanViews } from '../plan-views';
import { MeasureImportResultView } from '../plans.dto';
import { buildMeasureTemplate, parseMeasureSheet, resolveMeasureRows } from './measure-import.parser';

const MAX_REPORTED_ROWS = 500;

/**
 * Imports a plan's measures from a spreadsheet: every row is checked first (format, unit and indicator names,
 * duplicates), and only a file without errors is written, in one transaction: all rows or none.
 */
@Injectable()
export class MeasureImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly measures: MeasuresService,
    private readonly views: PlanViews,
  ) {}

  template(): Promise<Buffer> {
    return buildMeasureTemplate();
  }

  async import(principal: Principal, planId: string, file: UploadedSpreadsheet | undefined): Promise<MeasureImportResultView> {
    const plan = await this.measures.requireEditablePlan(principal, planId);
    if (!file || !file.buffer) throw new DomainException('FILE_REQUIRED');
    if (file.size > this.config.IMPORT_MAX_BYTES || file.buffer.length > this.config.IMPORT_MAX_BYTES) throw new DomainException('PAYLOAD_TOO_LARGE');
    const sheet = await readSpreadsheet(file.buffer, detectFormat(file.originalname, file.buffer));
    const parsed = parseMeasureSheet(sheet);
    if (parsed.errors.some((e) => e.row === 1)) this.reject(parsed.errors);

    const unitNames = [...new Set(parsed.rows.flatMap((r) => [r.leadName, ...r.cooperatingNames]))];
    const organizationsByName = new Map<string, { id: string }>();
    for (let i = 0; i < unitNames.length; i += 500) {
      const found = await this.dataSource.getRepository(Organization).find({ where: { name: In(unitNames.slice(i, i + 500)) }, select: { id: true, name: true } });
      for (const o of found) organizationsByName.set(o.name, o);
    }
    const indicatorsByName = new Map<string, { id: string }>();
    for (const d of await this.dataSource.getRepository(IndicatorDefinition).find({ select: { id: true, key: true, nameZh: true } })) {
      indicatorsByName.set(d.key.toLowerCase(), d);
      indicatorsByName.set(d.nameZh, d);
    }
    const existing = await this.dataSource.getRepository(Measure).find({ where: { planId: plan.id }, select: { id: true, title: true } });
    const resolved = resolveMeasureRows(parsed.rows, { organizationsByName, indicatorsByName, existingTitles: new Set(existing.map((m) => m.title)) });
    const errors = [...parsed.errors, ...resolved.errors].sort((a, b) => a.row - b.row);
    if (errors.length) this.reject(errors);

    const created = await this.dataSource.transaction((manager) => this.measures.insertMany(manager, plan, resolved.rows, principal));
    return { created: created.length, measures: await this.views.measures(created) };
  }

  private reject(errors: ImportRowError[]): never {
    const rows = errors.slice(0, MAX_REPORTED_ROWS);
    throw new DomainException('IMPORT_ROWS_INVALID', undefined, { rows, invalidRows: errors.length, ...(errors.length > rows.length ? { truncated: true } : {}) });
  }
}
