import { BODY_MAX, normalizeNotification, TITLE_MAX } from './notification-input';

describe('normalizeNotification', () => {
  it('maps the input to the columns, trimming text and flattening the link', () => {
    expect(
      normalizeNotification({ type: 'measure.rejected', title: '  措施被驳回 ', body: ' 请补充佐证 ', link: { kind: 'measure', id: 'm-1' } }),
    ).toEqual({ type: 'measure.rejected', title: '措施被驳回', body: '请补充佐证', linkKind: 'measure', linkId: 'm-1' });
    expect(normalizeNotification({ type: 'rectification.opened', title: '限期整改' })).toEqual({
      type: 'rectification.opened',
      title: '限期整改',
      body: null,
      linkKind: null,
      linkId: null,
    });
  });

  it('treats a blank body as none', () => {
    expect(normalizeNotification({ type: 'x', title: 't', body: '   ' }).body).toBeNull();
  });

  it('cuts overlong text by characters, never inside a surrogate pair, and marks the cut', () => {
    const title = normalizeNotification({ type: 'x', title: '督'.repeat(TITLE_MAX + 5) }).title;
    expect(Array.from(title)).toHaveLength(TITLE_MAX);
    expect(title.endsWith('…')).toBe(true);
    const body = normalizeNotification({ type: 'x', title: 't', body: '😀'.repeat(BODY_MAX + 1) }).body!;
    expect(Array.from(body)).toHaveLength(BODY_MAX);
    expect(Array.from(body).slice(0, -1).every((c) => c === '😀')).toBe(true);
    // exactly at the limit: untouched
    expect(normalizeNotification({ type: 'x', title: '督'.repeat(TITLE_MAX) }).title).toBe('督'.repeat(TITLE_MAX));
  });

  it.each([
    ['an upper-case type', { type: 'Measure.Rejected', title: 't' }, /notification type/],
    ['a type with spaces', { type: 'measure rejected', title: 't' }, /notification type/],
    ['an empty type', { type: '', title: 't' }, /notification type/],
    ['a type over 64 characters', { type: 'a'.repeat(65), title: 't' }, /notification type/],
    ['a blank title', { type: 'x', title: '  ' }, /title/],
    ['an unknown link kind', { type: 'x', title: 't', link: { kind: 'session', id: 'i' } }, /link kind/],
    ['an empty link id', { type: 'x', title: 't', link: { kind: 'plan', id: '' } }, /link id/],
    ['a link id longer than a uuid', { type: 'x', title: 't', link: { kind: 'plan', id: 'i'.repeat(37) } }, /link id/],
  ])('refuses %s', (_, input, message) => {
    expect(() => normalizeNotification(input as never)).toThrow(message);
  });
});
