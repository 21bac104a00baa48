import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '@app/platform';
import { ResourceSummaryView } from './resource-search.dto';

/** A row of SUMMARY_COLUMNS as either driver returns it. */
export interface SummaryRow {
  id: string;
  title: string;
  description: string;
  type: ResourceSummaryView['type'];
  subject: ResourceSummaryView['subject'];
  grade: ResourceSummaryView['grade'];
  edition: string | null;
  chapter: string | null;
  tags: string;
  visibility: ResourceSummaryView['visibility'];
  status: ResourceSummaryView['status'];
  organizationId: string;
  organizationName: string | null;
  uploaderId: string;
  uploaderName: string | null;
  downloadCount: number | string;
  filename: string | null;
  size: number | string | null;
  contentType: string | null;
  createdAt: Date | string;
  publishedAt: Date | string | null;
  favouriteId: string | null;
}

/**
 * The list view's columns over `r` (resources) and the joins that bring the rest (`:sum_uid` is the caller, for the
 * favourite flag). The search folds them into its own query (one round trip per page); `forIds` uses them for pages
 * of known ids. Plain SQL, the same on both dialects: list pages are the hot path and need no entity hydration.
 */
export const SUMMARY_COLUMNS = [
  'r.id AS id',
  'r.title AS title',
  'r.description AS description',
  'r.type AS type',
  'r.subject AS subject',
  'r.grade AS grade',
  'r.edition AS edition',
  'r.chapter AS chapter',
  'r.tags AS tags',
  'r.visibility AS visibility',
  'r.status AS status',
  'r.organizationId AS organizationId',
  'o.name AS organizationName',
  'r.uploaderId AS uploaderId',
  'u.name AS uploaderName',
  'r.downloadCount AS downloadCount',
  'v.filename AS filename',
  'v.size AS size',
  'v.contentType AS contentType',
  'r.createdAt AS createdAt',
  'r.publishedAt AS publishedAt',
  'f.id AS favouriteId',
].join(', ');

export const SUMMARY_JOINS = [
  'LEFT JOIN organizations o ON o.id = r.organizationId',
  'LEFT JOIN users u ON u.id = r.uploaderId',
  'LEFT JOIN resource_versions v ON v.id = r.currentVersionId',
  'LEFT JOIN resource_favourites f ON f.resourceId = r.id AND f.userId = :sum_uid',
].join(' ');

/** Builds list views of resources the caller may already see (search, collections, favourites). */
@Injectable()
export class ResourceSummaries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One query per page, whatever its length, in the order the ids are given. */
  async forIds(principal: Principal, ids: readonly string[]): Promise<ResourceSummaryView[]> {
    if (!ids.length) return [];
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT ${SUMMARY_COLUMNS} FROM resources r ${SUMMARY_JOINS} WHERE r.id IN (:...ids)`,
      { sum_uid: principal.userId, ids: [...ids] },
    );
    const rows: SummaryRow[] = await this.dataSource.query(sql, values);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .map((id) => byId.get(id))
      .filter((r): r is SummaryRow => !!r)
      .map(toSummaryView);
  }
}

export function toSummaryView(r: SummaryRow): ResourceSummaryView {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    type: r.type,
    subject: r.subject,
    grade: r.grade,
    edition: r.edition,
    chapter: r.chapter,
    tags: parseTags(r.tags),
    visibility: r.visibility,
    status: r.status,
    organizationId: r.organizationId,
    organizationName: r.organizationName,
    uploaderId: r.uploaderId,
    uploaderName: r.uploaderName,
    downloadCount: Number(r.downloadCount),
    filename: r.filename,
    size: r.size === null ? null : Number(r.size),
    contentType: r.contentType,
    createdAt: toDate(r.createdAt),
    publishedAt: r.publishedAt === null ? null : toDate(r.publishedAt),
    favourited: r.favouriteId !== null,
  };
}

/** `tags` is a simple-json column: JSON text on both dialects. */
function parseTags(raw: string | string[] | null): string[] {
  if (Array.isArray(raw)) return raw;
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/** mysql2 returns DATETIME as Date (timezone Z); SQLite as 'YYYY-MM-DD HH:MM:SS.SSS' in UTC. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value.replace(' ', 'T') + (value.endsWith('Z') ? '' : 'Z'));
}
