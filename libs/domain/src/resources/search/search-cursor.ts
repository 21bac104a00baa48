import { DomainException } from '@app/platform';

export const SEARCH_SORTS = ['newest', 'downloads'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** Where the previous page ended: the last row's sort value and id (ties on the value are broken by id). */
export interface SearchCursor {
  sort: SearchSort;
  /** newest: createdAt in ms since the epoch; downloads: downloadCount. */
  value: number;
  id: string;
  /** The search index's doc id, the tie-breaker of keyword searches sorted by newest. */
  doc?: number;
}

/** Opaque to clients: base64url of [sort, value, id] or [sort, value, id, doc]. */
export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify(c.doc === undefined ? [c.sort, c.value, c.id] : [c.sort, c.value, c.id, c.doc])).toString('base64url');
}

/** Throws SEARCH_CURSOR_INVALID for anything encodeCursor did not make for this sort. */
export function decodeCursor(raw: string, sort: SearchSort): SearchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new DomainException('SEARCH_CURSOR_INVALID');
  }
  if (
    !Array.isArray(parsed) ||
    (parsed.length !== 3 && parsed.length !== 4) ||
    parsed[0] !== sort ||
    typeof parsed[1] !== 'number' ||
    !Number.isSafeInteger(parsed[1]) ||
    parsed[1] < 0 ||
    typeof parsed[2] !== 'string' ||
    !/^[0-9a-f-]{1,36}$/i.test(parsed[2]) ||
    (parsed.length === 4 && (!Number.isSafeInteger(parsed[3]) || parsed[3] < 0))
  ) {
    throw new DomainException('SEARCH_CURSOR_INVALID');
  }
  return parsed.length === 4 ? { sort, value: parsed[1], id: parsed[2], doc: parsed[3] } : { sort, value: parsed[1], id: parsed[2] };
}
