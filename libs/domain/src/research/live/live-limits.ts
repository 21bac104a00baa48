/**
 * Pure pieces of the /live limits: the per-socket token bucket and a payload size estimate. Kept free of
 * socket.io so they are unit-tested directly.
 */

export interface TokenBucket {
  tokens: number;
  refilledAt: number;
}

/** A full bucket: a socket may send `2 x rate` events at once (a reconnect's join plus a few queued messages). */
export function newBucket(ratePerSecond: number, now: number): TokenBucket {
  return { tokens: bucketCapacity(ratePerSecond), refilledAt: now };
}

export const bucketCapacity = (ratePerSecond: number): number => Math.max(1, ratePerSecond * 2);

/** Refills by elapsed time, then takes one token; false when the socket is over its rate. Mutates the bucket. */
export function takeToken(bucket: TokenBucket, ratePerSecond: number, now: number): boolean {
  const elapsed = Math.max(0, now - bucket.refilledAt);
  bucket.tokens = Math.min(bucketCapacity(ratePerSecond), bucket.tokens + (elapsed * ratePerSecond) / 1000);
  bucket.refilledAt = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

/**
 * Whether a decoded event payload is over `limit` bytes: strings count their UTF-8 bytes, binary (Buffer,
 * typed arrays, ArrayBuffer) its byteLength, keys and scalars a few bytes. Stops as soon as the limit is passed.
 */
export function exceedsSize(value: unknown, limit: number): boolean {
  let total = 0;
  const stack: unknown[] = [value];
  let visited = 0;
  while (stack.length > 0) {
    const item = stack.pop();
    if (++visited > 100_000) return true; // absurdly many nodes: refuse rather than walk on
    if (typeof item === 'string') {
      total += Buffer.byteLength(item, 'utf8') + 2;
    } else if (typeof item === 'number' || typeof item === 'boolean' || item === null || item === undefined) {
      total += 8;
    } else if (ArrayBuffer.isView(item)) {
      total += item.byteLength;
    } else if (item instanceof ArrayBuffer) {
      total += item.byteLength;
    } else if (Array.isArray(item)) {
      total += 2;
      for (const element of item) stack.push(element);
    } else if (typeof item === 'object') {
      for (const [key, element] of Object.entries(item as Record<string, unknown>)) {
        total += key.length + 4;
        stack.push(element);
      }
    }
    if (total > limit) return true;
  }
  return false;
}
