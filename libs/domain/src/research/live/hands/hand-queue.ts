/** One raised hand as stored (live_hands). */
export interface RaisedHand {
  id: string;
  userId: string;
  raisedAt: Date;
}

/**
 * The raise-hand queue in raise order: earliest first; two hands raised in the same millisecond keep a stable
 * order by row id, so every instance and every client computes the same queue from the same rows.
 */
export function orderQueue<T extends RaisedHand>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
