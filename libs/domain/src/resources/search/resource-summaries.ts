import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '@app/platform';
import { Organization } from '../../organizations/organization.entity';
import { User } from '../../accounts/user.entity';
import { Resource } from '../resource.entity';
import { ResourceVersion } from '../resource-version.entity';
import { Favourite } from '../collections/favourite.entity';
import { ResourceSummaryView } from './resource-search.dto';

interface SummaryRow {
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
 * Builds list views of resources the caller may already see (search, collections, favourites): one query per
 * page, whatever its length (a page of a search costs three: partners, search, this), in the order the ids are
 * given. Raw rows rather than entities: list pages are the hot path and need no entity hydration.
 */
@Injectable()
export class ResourceSummaries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async forIds(principal: Principal, ids: readonly string[]): Promise<ResourceSummaryView[]> {
    if (!ids.length) return [];
    const rows = await this.dataSource
      .getRepository(Resource)
      .createQueryBuilder('r')
      .select([
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
      ])
      .leftJoin(Organization, 'o', 'o.id = r.organizationId')
      .leftJoin(User, 'u', 'u.id = r.uploaderId')
      .leftJoin(ResourceVersion, 'v', 'v.id = r.currentVersionId')
      .leftJoin(Favourite, 'f', 'f.resourceId = r.id AND f.userId = :uid', { uid: principal.userId })
      .where('r.id IN (:...ids)', { ids: [...ids] })
      .getRawMany<SummaryRow>();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .map((id) => byId.get(id))
      .filter((r): r is SummaryRow => !!r)
      .map((r) => ({
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
      }));
  }
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
