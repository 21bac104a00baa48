import { DomainException } from '@app/platform';
import { decodeCursor, encodeCursor } from './search-cursor';

describe('search cursor', () => {
  const id = '0b7c1e0e-8f1a-4c53-9a51-5a3c2b1d9e00';

  it('round-trips the sort value and id', () => {
    const raw = encodeCursor({ sort: 'newest', value: 1764400000123, id });
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(raw, 'newest')).toEqual({ sort: 'newest', value: 1764400000123, id });
    expect(decodeCursor(encodeCursor({ sort: 'newest', value: 5, id, doc: 42 }), 'newest')).toEqual({ sort: 'newest', value: 5, id, doc: 42 });
  });

  it.each([
    ['not base64 json', 'abc'],
    ['a cursor of the other sort', encodeCursor({ sort: 'downloads', value: 3, id })],
    ['a non-integer value', Buffer.from(JSON.stringify(['newest', 1.5, id])).toString('base64url')],
    ['an id with SQL in it', Buffer.from(JSON.stringify(['newest', 1, "x' OR 1=1"])).toString('base64url')],
    ['an object', Buffer.from(JSON.stringify({ sort: 'newest' })).toString('base64url')],
    ['a fractional doc id', Buffer.from(JSON.stringify(['newest', 1, id, 0.5])).toString('base64url')],
  ])('rejects %s with SEARCH_CURSOR_INVALID', (_, raw) => {
    let error: unknown;
    try {
      decodeCursor(raw, 'newest');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainException);
    expect((error as DomainException).code).toBe('SEARCH_CURSOR_INVALID');
  });
});
