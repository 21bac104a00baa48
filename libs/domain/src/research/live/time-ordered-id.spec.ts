import { timeOrderedId } from './time-ordered-id';

describe('timeOrderedId', () => {
  it('is a version-7 UUID of 36 characters', () => {
    const id = timeOrderedId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts as strings in creation order, within one millisecond and when the clock steps back', () => {
    const ids = [timeOrderedId(5_000_000), timeOrderedId(5_000_000), timeOrderedId(5_000_000), timeOrderedId(4_000_000), timeOrderedId(6_000_000)];
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
  });

  it('stays ordered past 4096 ids in one millisecond', () => {
    const now = 7_000_000;
    let previous = timeOrderedId(now);
    for (let i = 0; i < 10_000; i++) {
      const id = timeOrderedId(now);
      expect(id > previous).toBe(true);
      previous = id;
    }
  });

  it('carries the millisecond timestamp in its first 48 bits', () => {
    const at = Date.UTC(2030, 0, 1);
    const id = timeOrderedId(at);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });
});
