import { bucketCapacity, exceedsSize, newBucket, takeToken } from './live-limits';

describe('token bucket', () => {
  it('absorbs a burst of twice the rate, then refuses until time refills it', () => {
    const bucket = newBucket(20, 0);
    let taken = 0;
    for (let i = 0; i < 100; i++) if (takeToken(bucket, 20, 0)) taken++;
    expect(taken).toBe(bucketCapacity(20));
    expect(taken).toBe(40);
    expect(takeToken(bucket, 20, 0)).toBe(false);
    // 50 ms at 20/s refills one token
    expect(takeToken(bucket, 20, 50)).toBe(true);
    expect(takeToken(bucket, 20, 50)).toBe(false);
  });

  it('lets a steady sender at the rate through indefinitely', () => {
    const bucket = newBucket(10, 0);
    for (let t = 0; t < 10_000; t += 100) expect(takeToken(bucket, 10, t)).toBe(true);
  });

  it('never refills above capacity after a long pause, and ignores a clock stepping back', () => {
    const bucket = newBucket(5, 0);
    expect(takeToken(bucket, 5, 3_600_000)).toBe(true);
    expect(bucket.tokens).toBe(9);
    expect(takeToken(bucket, 5, 1000)).toBe(true);
    expect(bucket.tokens).toBe(8);
  });
});

describe('exceedsSize', () => {
  it('counts UTF-8 bytes of strings (Chinese text is 3 bytes a character)', () => {
    expect(exceedsSize({ text: '教'.repeat(300) }, 1000)).toBe(false);
    expect(exceedsSize({ text: '教'.repeat(400) }, 1000)).toBe(true);
    expect(exceedsSize({ text: 'a'.repeat(900) }, 1000)).toBe(false);
  });

  it('counts binary payloads and nested arrays', () => {
    expect(exceedsSize({ update: Buffer.alloc(2000) }, 1000)).toBe(true);
    expect(exceedsSize({ update: new Uint8Array(10) }, 1000)).toBe(false);
    expect(exceedsSize([[['x'.repeat(600)]], ['y'.repeat(600)]], 1000)).toBe(true);
  });

  it('handles scalars and empty payloads', () => {
    expect(exceedsSize(undefined, 10)).toBe(false);
    expect(exceedsSize(42, 10)).toBe(false);
    expect(exceedsSize({}, 10)).toBe(false);
  });
});
