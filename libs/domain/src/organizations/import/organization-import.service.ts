import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AppConfig, DomainException, Principal, isUniqueViolation } from '@app/platform';
import { Organization } from '../organization.entity';
import { SchoolYearStats } from '../school-year-stats.entity';
import { OrganizationScopeLoader } from '../organization-scope.loader';
import { ImportResultView } from '../organizations.dto';
import {
  buildImportTemplate,
  detectFormat,
  ExistingOrganization,
  ImportRowError,
  parseImportSheet,
  readSpreadsheet,
  resolveImportRows,
  ResolvedImportRow,
  SpreadsheetFormat,
} from './organization-import.parser';

/** Reported rows are capped so a wholly wrong file does not produce a megabyte of errors. */
const MAX_REPORTED_ROWS = 500;
const LOOKUP_CHUNK = 500;

export interface UploadedSpreadsheet {
  originalname: string;
  size: number;
  buffer: Buffer;
}

/**
 * Imports schools (and one year of their figures) from a spreadsheet: every row is validated first, and only a
 * file without errors is applied, in one transaction, so a failed import leaves the registry untouched.
 */
@Injectable()
export class OrganizationImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly scopeLoader: OrganizationScopeLoader,
  ) {}

  template(format: SpreadsheetFormat): Promise<Buffer> {
    return buildImportTemplate(format);
  }

  async import(principal: Principal, file: UploadedSpreadsheet | undefined): Promise<ImportResultView> {
    if (principal.role !== 'city_admin' && principal.role !== 'county_admin') throw new DomainException('ACCESS_DENIED');
    if (!file || !file.buffer) throw new DomainException('FILE_REQUIRED');
    if (file.size > this.config.IMPORT_MAX_BYTES || file.buffer.length > this.config.IMPORT_MAX_BYTES) {
      throw new DomainException('PAYLOAD_TOO_LARGE');
    }
    const format = detectFormat(file.originalname, file.buffer);
    const sheet = await readSpreadsheet(file.buffer, format);
    const parsed = parseImportSheet(sheet);
    if (parsed.errors.some((e) => e.row === 1)) this.reject(parsed.errors);

    const organizations = this.dataSource.getRepository(Organization);
    const counties = await organizations.find({ where: { kind: 'county' }, select: { id: true, name: true } });
    const names = [...new Set(parsed.rows.map((r) => r.record.name))];
    const codes = [...new Set(parsed.rows.map((r) => r.record.code).filter((c): c is string => !!c))];
    const existing = [...(await this.findBy('name', names)), ...(await this.findBy('code', codes))];
    const resolved = resolveImportRows(parsed.rows, {
      counties,
      allowedCountyId: principal.role === 'county_admin' ? principal.organizationId : null,
      existingByName: new Map(existing.map((o) => [o.name, o])),
      existingByCode: new Map(existing.filter((o) => o.code).map((o) => [o.code!, o])),
    });
    const errors = [...parsed.errors, ...resolved.errors].sort((a, b) => a.row - b.row);
    if (errors.length) this.reject(errors);

    let result: ImportResultView;
    try {
      result = await this.dataSource.transaction((manager) => this.apply(manager, resolved.rows, principal));
    } catch (err) {
      // Someone created a clashing school between our check and the write; nothing was applied.
      if (isUniqueViolation(err)) throw new DomainException('CONFLICT', '导入期间有其他人修改了相同的学校，请重新导入');
      throw err;
    }
    for (const row of resolved.rows) if (row.existingId) this.scopeLoader.invalidate(row.existingId);
    return result;
  }

  private async apply(manager: EntityManager, rows: ResolvedImportRow[], principal: Principal): Promise<ImportResultView> {
    const organizations = manager.getRepository(Organization);
    const stats = manager.getRepository(SchoolYearStats);
    const result: ImportResultView = { created: 0, updated: 0, statsUpserted: 0, rows: rows.length };
    for (const { record, countyId, existingId } of rows) {
      let org: Organization;
      if (existingId) {
        org = await organizations.findOneByOrFail({ id: existingId });
        org.name = record.name;
        org.countyId = countyId;
        result.updated++;
      } else {
        org = organizations.create({ name: record.name, kind: 'school', countyId, code: null, ownership: null, locality: null, designation: null, isWeak: false, location: null });
        result.created++;
      }
      // A blank optional cell keeps what the registry has.
      if (record.code !== undefined) org.code = record.code;
      if (record.ownership !== undefined) org.ownership = record.ownership;
      if (record.locality !== undefined) org.locality = record.locality;
      if (record.designation !== undefined) org.designation = record.designation;
      if (record.isWeak !== undefined) org.isWeak = record.isWeak;
      await organizations.save(org);

      if (record.stats) {
        const { year, ...figures } = record.stats;
        const values = {
          ...figures,
          newEntryLargestClass: figures.newEntryLargestClass ?? null,
          researchers: figures.researchers ?? null,
          notes: figures.notes ?? null,
          updatedById: principal.userId,
        };
        const current = await stats.findOne({ where: { organizationId: org.id, year } });
        await stats.save(current ? stats.merge(current, values) : stats.create({ organizationId: org.id, year, ...values }));
        result.statsUpserted++;
      }
    }
    return result;
  }

  private async findBy(column: 'name' | 'code', values: string[]): Promise<ExistingOrganization[]> {
    const found: ExistingOrganization[] = [];
    for (let i = 0; i < values.length; i += LOOKUP_CHUNK) {
      const chunk = values.slice(i, i + LOOKUP_CHUNK);
      found.push(
        ...(await this.dataSource.getRepository(Organization).find({
          where: { [column]: In(chunk) },
          select: { id: true, name: true, kind: true, countyId: true, code: true },
        })),
      );
    }
    return found;
  }

  private reject(errors: ImportRowError[]): never {
    const rows = errors.slice(0, MAX_REPORTED_ROWS);
    throw new DomainException('IMPORT_ROWS_INVALID', undefined, {
      rows,
      invalidRows: errors.length,
      ...(errors.length > rows.length ? { truncated: true } : {}),
    });
  }
}
