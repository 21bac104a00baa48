import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter, then random bits. As a lowercase string
 * it sorts in creation order (strictly increasing within this process, even within one millisecond or if the
 * clock steps back), so chat message ids double as the replay cursor: "missed since X" is `id > X` on the
 * (sessionId, id) index. Across api instances the order is the instances' clock order (NTP keeps them within
 * milliseconds of each other). Fits the varchar(36) id every entity uses.
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xfff) {
    // 4096 ids in one millisecond: borrow the next millisecond rather than break the order.
    lastMs += 1;
    counter = 0;
  }
  const rand = randomBytes(8);
  const hex =
    lastMs.toString(16).padStart(12, '0') +
    (0x7000 | counter).toString(16) +
    ((rand[0] & 0x3f) | 0x80).toString(16).padStart(2, '0') +
    rand.subarray(1).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
