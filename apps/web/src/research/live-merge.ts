import type * as Y from 'yjs';

// Pure helpers of the live room (unit-tested in live-merge.spec.ts).

export interface MergeableMessage {
  id: string;
}

/** Merges messages by id (recent, missed and live events overlap on a rejoin) in id order (ids are time-ordered). */
export function mergeMessages<T extends MergeableMessage>(current: T[], incoming: T[]): T[] {
  if (!incoming.length) return current;
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(-500);
}

/** Applies a textarea's new value to the Y.Text as one delete + insert around the common prefix and suffix. */
export function applyTextEdit(text: Y.Text, next: string): void {
  const prev = text.toString();
  if (prev === next) return;
  let start = 0;
  const max = Math.min(prev.length, next.length);
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  let endPrev = prev.length;
  let endNext = next.length;
  while (endPrev > start && endNext > start && prev.charCodeAt(endPrev - 1) === next.charCodeAt(endNext - 1)) {
    endPrev--;
    endNext--;
  }
  text.doc!.transact(() => {
    if (endPrev > start) text.delete(start, endPrev - start);
    if (endNext > start) text.insert(start, next.slice(start, endNext));
  });
}
