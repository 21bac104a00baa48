import * as Y from 'yjs';
import { DomainException } from '@app/platform';
import { MINUTES_TEXT, mergeStored, minutesText, missingFor, parseStateVector, parseUpdate, planCompaction } from './minutes-doc';

/** A client doc that records each update it produces (what it would send with minutes:update). */
function client(id: number) {
  const doc = new Y.Doc();
  doc.clientID = id;
  const sent: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') sent.push(u);
  });
  return { doc, sent, text: doc.getText(MINUTES_TEXT) };
}
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainException).code;
  }
  return 'no error';
};

describe('minutes document helpers', () => {
  it('merges two clients\' concurrent edits into one text, in any storage order', () => {
    const a = client(1);
    const b = client(2);
    a.text.insert(0, '一、教学目标明确。');
    b.text.insert(0, '二、课堂互动充分。');
    const stored = [...a.sent, ...b.sent];
    const forward = minutesText(mergeStored(stored));
    const backward = minutesText(mergeStored([...stored].reverse()));
    expect(forward).toBe(backward);
    expect(forward).toContain('一、教学目标明确。');
    expect(forward).toContain('二、课堂互动充分。');
  });

  it('gives a reconnecting client exactly what it lacks for its state vector', () => {
    const a = client(1);
    a.text.insert(0, '开头');
    const b = client(2);
    Y.applyUpdate(b.doc, mergeStored(a.sent), 'remote');
    a.text.insert(2, '，补充内容');
    const merged = mergeStored(a.sent);
    const diff = missingFor(merged, Y.encodeStateVector(b.doc));
    expect(diff.byteLength).toBeLessThan(merged.byteLength);
    Y.applyUpdate(b.doc, diff, 'remote');
    expect(b.text.toString()).toBe('开头，补充内容');
  });

  it('an empty store is an empty document', () => {
    expect(minutesText(mergeStored([]))).toBe('');
  });

  it('accepts binary and base64 updates, refuses garbage, empty and oversized ones', () => {
    const a = client(1);
    a.text.insert(0, '纪要');
    const u = a.sent[0];
    expect(parseUpdate(u, 1024)).toEqual(u);
    expect(parseUpdate(Buffer.from(u).toString('base64'), 1024)).toEqual(new Uint8Array(u));
    expect(code(() => parseUpdate(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x01]), 1024))).toBe('LIVE_MINUTES_UPDATE_INVALID');
    expect(code(() => parseUpdate('not base64 !!', 1024))).toBe('LIVE_MINUTES_UPDATE_INVALID');
    expect(code(() => parseUpdate(new Uint8Array(0), 1024))).toBe('LIVE_MINUTES_UPDATE_INVALID');
    expect(code(() => parseUpdate(42, 1024))).toBe('LIVE_MINUTES_UPDATE_INVALID');
    expect(code(() => parseUpdate(u, u.byteLength - 1))).toBe('LIVE_MINUTES_UPDATE_TOO_LARGE');
  });

  it('parses an absent, binary or base64 state vector and refuses junk', () => {
    const sv = Y.encodeStateVector(client(3).doc);
    expect(parseStateVector(undefined)).toBeUndefined();
    expect(parseStateVector(sv)).toEqual(sv);
    expect(parseStateVector(Buffer.from(sv).toString('base64'))).toEqual(new Uint8Array(sv));
    expect(code(() => parseStateVector({ x: 1 }))).toBe('LIVE_MINUTES_UPDATE_INVALID');
  });

  it('plans compaction into groups that keep the same document and stay under the size limit', () => {
    const a = client(1);
    for (let i = 0; i < 60; i += 1) a.text.insert(a.text.length, `第${i}条意见：${'内容'.repeat(20)}\n`);
    const rows = a.sent.map((update, i) => ({ id: String(i), update }));
    const limit = 2000;
    const groups = planCompaction(rows, limit);
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) {
      expect(g.rows.length).toBeGreaterThan(1);
      expect(g.merged.byteLength).toBeLessThanOrEqual(limit);
    }
    // Replace each group by its merged row: the document is unchanged.
    const grouped = new Set(groups.flatMap((g) => g.rows.map((r) => r.id)));
    const after = [...rows.filter((r) => !grouped.has(r.id)).map((r) => r.update), ...groups.map((g) => g.merged)];
    expect(minutesText(mergeStored(after))).toBe(a.text.toString());
    expect(after.length).toBeLessThan(rows.length);
  });
});
