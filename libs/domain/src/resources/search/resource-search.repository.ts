import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ResourceGrade, ResourceStatus, ResourceSubject, ResourceType } from '../resource.entity';
import type { ResourceVisibilityFilter } from '../resource-rules';
import { SearchCursor, SearchSort } from './search-cursor';
import { prefixUpperBound, QueryToken } from './search-terms';
import { SUMMARY_COLUMNS, SUMMARY_JOINS, SummaryRow, toDate } from './resource-summaries';
import { FACET_FIELDS } from './resource-search.indexer';

export interface SearchCriteria {
  /** ResourceAccessService.visibleResourceFilter over alias `r`. */
  visibility: ResourceVisibilityFilter;
  /** Every token must match (AND); none means browse without a keyword. */
  tokens: QueryToken[];
  status: ResourceStatus;
  subject?: ResourceSubject;
  grade?: ResourceGrade;
  type?: ResourceType;
  edition?: string;
  organizationId?: string;
  sort: SearchSort;
  after?: SearchCursor;
  /** Rows to return (the caller asks for one more than a page to know whether another page exists). */
  limit: number;
}

export interface SearchHit {
  id: string;
  createdAt: Date;
  downloadCount: number;
  /** Set by the plan that orders by (createdAt, docId); the cursor carries it as the tie-breaker. */
  docId?: number;
}

/** Index of `resources` that serves each sort in order (status first, as every search filters on it). */
const SORT_INDEX: Record<SearchSort, string> = { newest: 'idx_resource_status_created', downloads: 'idx_resource_status_downloads' };
const SORT_ORDER: Record<SearchSort, string> = { newest: 'r.createdAt DESC, r.id DESC', downloads: 'r.downloadCount DESC, r.id DESC' };

/**
 * SQLite: at or above this many rows for its rarest term a keyword query walks the sort index (scan plan) rather
 * than starting from the term rows (terms plan); the bar rises fourfold for each filter, as each makes a walk
 * skip more rows. The count (index only) stops at the bar.
 */
const COMMON_TERM_ROWS = 3000;

/**
 * MariaDB/MySQL: term rows counted to pick the rarest term of a query as the driver of the ordered plan. A term
 * with fewer rows is read whole; beyond this, any of the common terms serves (the walk stops at a full page).
 */
const RARE_TERM_ROWS = 500;

type HitRow = { id: string; createdAt: Date | string; downloadCount: number | string; docId?: number | string | null };

function toHit(row: HitRow): SearchHit {
  return {
    id: row.id,
    createdAt: toDate(row.createdAt),
    downloadCount: Number(row.downloadCount),
    ...(row.docId !== undefined && row.docId !== null ? { docId: Number(row.docId) } : {}),
  };
}

type Plan = 'ordered' | 'optimizer' | 'terms' | 'scan';
type Match = { t: string; sql: string; exact: boolean; rows: number };

/**
 * The search query. Written as SQL (with TypeORM's parameter handling) because the shape that makes it fast is
 * precise. The plans, chosen in `find` (bench/README.md has the measurements behind them):
 * - ordered (published items, newest first, with a Chinese keyword: the common case): walk the rarest exact
 *   term's rows, which the primary key keeps in creation order, from the newest; join the other terms, the doc
 *   and the resource; stop when the page is full. No sort, and a common keyword stops after a few dozen rows.
 * - optimizer (MariaDB/MySQL otherwise): one `IN (SELECT docId ...)` per term; the optimizer picks the order
 *   from index statistics (e.g. an organization's own index when that filter is given).
 * - terms / scan (SQLite otherwise): its planner has no statistics (nothing runs ANALYZE) and a wrong guess costs a
 *   scan of every visible row, so the order is fixed with CROSS JOIN / INDEXED BY: from the rarest term's rows
 *   when it is rare, else along the sort index probing each row's terms.
 */
@Injectable()
export class ResourceSearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get sqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  /** The hits of a search, in order. */
  async find(c: SearchCriteria): Promise<SearchHit[]> {
    const { sql, params } = await this.hitQuery(c);
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    const rows: HitRow[] = await this.dataSource.query(query, values);
    return rows.map(toHit);
  }

  /**
   * The hits with their list views (SUMMARY_COLUMNS for user `userId`), in one query: the search runs as a derived
   * table of at most `limit` rows, and only those rows are joined to what a list view shows.
   */
  async findWithSummaries(c: SearchCriteria, userId: string): Promise<{ hit: SearchHit; summary: SummaryRow }[]> {
    const { sql, params, outerOrder } = await this.hitQuery(c);
    const join = this.sqlite ? 'CROSS JOIN' : 'STRAIGHT_JOIN';
    const wrapped =
      `SELECT ${SUMMARY_COLUMNS}, h.createdAt AS hitCreatedAt, h.downloadCount AS hitDownloadCount, h.docId AS hitDocId ` +
      `FROM (${sql}) h ${join} resources r ON r.id = h.id ${SUMMARY_JOINS} ORDER BY ${outerOrder}`;
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(wrapped, { ...params, sum_uid: userId });
    const rows: (SummaryRow & { hitCreatedAt: Date | string; hitDownloadCount: number | string; hitDocId: number | string | null })[] =
      await this.dataSource.query(query, values);
    return rows.map((row) => ({
      hit: toHit({ id: row.id, createdAt: row.hitCreatedAt, downloadCount: row.hitDownloadCount, docId: row.hitDocId ?? undefined }),
      summary: row,
    }));
  }

  /** The search as SQL: its select list always names id, createdAt, downloadCount and docId (NULL unless ordered). */
  private async hitQuery(c: SearchCriteria): Promise<{ sql: string; params: Record<string, unknown>; outerOrder: string }> {
    const params: Record<string, unknown> = { ...c.visibility.params, s_status: c.status };
    const where: string[] = [c.visibility.sql, 'r.status = :s_status'];
    let filterCount = 0;
    for (const key of ['subject', 'grade', 'type', 'edition', 'organizationId'] as const) {
      if (c[key] === undefined) continue;
      where.push(`r.${key} = :s_${key}`);
      params[`s_${key}`] = c[key];
      filterCount++;
    }

    const scanMinRows = COMMON_TERM_ROWS * 4 ** filterCount;
    const matches = await this.matches(c.tokens, params, this.sqlite ? scanMinRows : RARE_TERM_ROWS);
    const exact = matches.filter((m) => m.exact);
    let plan: Plan;
    if (!matches.length) plan = this.sqlite && !c.organizationId ? 'scan' : 'optimizer';
    // Other statuses and an organization are narrow filters: a walk along a term could skip most of its rows.
    else if (c.sort === 'newest' && exact.length && c.status === 'published' && !c.organizationId) plan = 'ordered';
    else if (!this.sqlite) plan = 'optimizer';
    else plan = !c.organizationId && matches[0].rows >= scanMinRows ? 'scan' : 'terms';

    let from: string;
    let order = SORT_ORDER[c.sort];
    let select = 'r.id AS id, r.createdAt AS createdAt, r.downloadCount AS downloadCount, NULL AS docId';
    let outerOrder = c.sort === 'newest' ? 'h.createdAt DESC, h.id DESC' : 'h.downloadCount DESC, h.id DESC';
    const probe = (m: Match) => `EXISTS (SELECT 1 FROM resource_search_terms ${m.t} WHERE ${m.t}.docId = sd.docId AND ${m.sql})`;
    const join = this.sqlite ? 'CROSS JOIN' : 'STRAIGHT_JOIN';
    if (plan === 'ordered') {
      // The other exact terms are joined right after the driver ((term, docId) is unique, so a join adds no rows):
      // as EXISTS, MariaDB would turn two or more of them into a materialized semi-join and sort.
      const driver = exact[0];
      const joined = exact.slice(1);
      from = [`resource_search_terms ${driver.t}`, ...joined.map((m) => `resource_search_terms ${m.t}`), 'resource_search_docs sd', 'resources r'].join(` ${join} `);
      where.push(driver.sql, ...joined.flatMap((m) => [`${m.t}.docId = ${driver.t}.docId`, m.sql]), `sd.docId = ${driver.t}.docId`, 'r.id = sd.resourceId');
      where.push(...matches.filter((m) => !m.exact).map(probe));
      order = `${driver.t}.resourceCreatedAt DESC, ${driver.t}.docId DESC`;
      outerOrder = 'h.createdAt DESC, h.docId DESC';
      select = `r.id AS id, ${driver.t}.resourceCreatedAt AS createdAt, r.downloadCount AS downloadCount, ${driver.t}.docId AS docId`;
      if (c.after) {
        where.push(`(${driver.t}.resourceCreatedAt < :s_after OR (${driver.t}.resourceCreatedAt = :s_after AND ${driver.t}.docId < :s_after_doc))`);
        params.s_after = new Date(c.after.value);
        params.s_after_doc = c.after.doc ?? 0;
      }
    } else {
      if (plan === 'optimizer') {
        from = 'resources r';
        if (matches.length) from += ' INNER JOIN resource_search_docs sd ON sd.resourceId = r.id';
        for (const m of matches) where.push(`sd.docId IN (SELECT ${m.t}.docId FROM resource_search_terms ${m.t} WHERE ${m.sql})`);
      } else if (plan === 'scan') {
        from = `resources r INDEXED BY ${SORT_INDEX[c.sort]}`;
        if (matches.length) from += ' CROSS JOIN resource_search_docs sd';
        if (matches.length) where.push('sd.resourceId = r.id');
        where.push(...matches.map(probe));
      } else {
        // A prefix can hit several terms of one document: DISTINCT.
        const [first, ...rest] = matches;
        const driver = first.exact
          ? `resource_search_terms ${first.t}`
          : `(SELECT DISTINCT ${first.t}.docId AS docId FROM resource_search_terms ${first.t} WHERE ${first.sql}) ${first.t}`;
        from = `${driver} CROSS JOIN resource_search_docs sd CROSS JOIN resources r`;
        if (first.exact) where.push(first.sql);
        where.push(`sd.docId = ${first.t}.docId`, 'r.id = sd.resourceId', ...rest.map(probe));
      }
      if (c.after) {
        const column = c.sort === 'newest' ? 'r.createdAt' : 'r.downloadCount';
        where.push(`(${column} < :s_after OR (${column} = :s_after AND r.id < :s_after_id))`);
        params.s_after = c.sort === 'newest' ? new Date(c.after.value) : c.after.value;
        params.s_after_id = c.after.id;
      }
    }

    // Every plan with a keyword joins the doc row before the resource row: its copy of the filter values drops the
    // other subjects, grades and types there (the resource's own columns are still checked above).
    if (matches.length) for (const key of FACET_FIELDS) if (c[key] !== undefined) where.push(`sd.${key} = :s_${key}`);

    const limit = Math.max(1, Math.min(1000, Math.floor(c.limit)));
    const sql = `SELECT ${select} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${limit}`;
    return { sql, params, outerOrder };
  }

  /**
   * The SQL condition of each token over a term alias, rarest first. With a single token on MariaDB/MySQL nothing
   * needs counting; otherwise each token's term rows are counted up to `cap` (an index-only count) so the rarest
   * drives the query (and on SQLite, to choose between the terms and scan plans).
   */
  private async matches(tokens: QueryToken[], params: Record<string, unknown>, cap: number): Promise<Match[]> {
    const out: Match[] = [];
    const counts: string[] = [];
    const countArgs: unknown[] = [];
    for (const [i, token] of tokens.entries()) {
      const t = `st${i}`;
      if ('exact' in token) {
        params[t] = token.exact;
        out.push({ t, sql: `${t}.term = :${t}`, exact: true, rows: 0 });
        counts.push(`(SELECT COUNT(*) FROM (SELECT 1 FROM resource_search_terms WHERE term = ? LIMIT ${cap}) c${i}) AS n${i}`);
        countArgs.push(token.exact);
      } else {
        const hi = prefixUpperBound(token.prefix);
        params[`${t}_lo`] = token.prefix;
        params[`${t}_hi`] = hi;
        out.push({ t, sql: `${t}.term >= :${t}_lo AND ${t}.term < :${t}_hi`, exact: false, rows: 0 });
        counts.push(`(SELECT COUNT(*) FROM (SELECT 1 FROM resource_search_terms WHERE term >= ? AND term < ? LIMIT ${cap}) c${i}) AS n${i}`);
        countArgs.push(token.prefix, hi);
      }
    }
    if (tokens.length > 1 || (this.sqlite && tokens.length === 1)) {
      // one round trip for all the counts
      const [row] = await this.dataSource.query(`SELECT ${counts.join(', ')}`, countArgs);
      out.forEach((m, i) => (m.rows = Number(row[`n${i}`])));
    }
    return out.sort((a, b) => a.rows - b.rows);
  }
}
