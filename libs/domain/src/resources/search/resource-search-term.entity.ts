import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ResourceSearchDoc } from './resource-search-doc.entity';
import { MAX_TERM_LENGTH } from './search-terms';

/**
 * The search index the application keeps: one row per distinct term (CJK bigram, last character of a CJK run, or
 * word; see search-terms.ts) of a resource's title, description and tags.
 *
 * Why a table and not the database's full-text search: MariaDB has no n-gram parser for Chinese, InnoDB FULLTEXT
 * over bigrams needs a server flag (innodb_ft_min_token_size=1), Mroonga is MariaDB-only, and SQLite's FTS5 is
 * another dialect again. A plain indexed table works the same on SQLite, MariaDB and MySQL; bench/search.bench.ts
 * measures it against a LIKE scan.
 *
 * No UUID id (unlike other entities): the row is its own key (term, resourceCreatedAt, docId), clustered by term
 * and then by the resource's creation time, so the rows of one term are adjacent and already in "newest first"
 * order: a keyword search sorted by newest walks them from the end and stops when the page is full, instead of
 * collecting and sorting every match (the creation time never changes, so this copy never goes stale).
 * `idx_search_term_doc` serves the per-resource probe ("has this resource term t?"), the re-index delete and the
 * foreign key.
 */
@Entity('resource_search_terms')
@Index('idx_search_term_doc', ['docId', 'term'])
export class ResourceSearchTerm {
  @PrimaryColumn({ type: 'varchar', length: MAX_TERM_LENGTH })
  term: string;

  /** The resource's createdAt. */
  @PrimaryColumn({ type: 'datetime', precision: 3 })
  resourceCreatedAt: Date;

  @PrimaryColumn({ type: 'int' })
  docId: number;

  @ManyToOne(() => ResourceSearchDoc, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'docId' })
  doc?: ResourceSearchDoc;
}
