import * as Y from 'yjs';
import { applyTextEdit, mergeMessages } from './live-merge';

/** Two replicas of the minutes that exchange updates only when `sync` is called (a slow link). */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const sync = () => {
    const fromA = Y.encodeStateAsUpdate(a, Y.encodeStateVector(b));
    const fromB = Y.encodeStateAsUpdate(b, Y.encodeStateVector(a));
    Y.applyUpdate(b, fromA);
    Y.applyUpdate(a, fromB);
  };
  return { a: a.getText('minutes'), b: b.getText('minutes'), sync };
}

describe('applyTextEdit (textarea value -> Y.Text)', () => {
  it('turns a typed, deleted or replaced span into one edit at the right place', () => {
    const { a } = pair();
    applyTextEdit(a, '一、说课要点');
    applyTextEdit(a, '一、说课要点：引入');
    applyTextEdit(a, '一、教学要点：引入');
    applyTextEdit(a, '一、教学：引入');
    expect(a.toString()).toBe('一、教学：引入');
    applyTextEdit(a, '');
    expect(a.toString()).toBe('');
  });

  it('keeps both sides’ text when two people edit at once (no lost update)', () => {
    const { a, b, sync } = pair();
    applyTextEdit(a, '评课记录\n');
    sync();
    // Concurrently: A appends a line, B inserts at the top, before either sees the other.
    applyTextEdit(a, '评课记录\n1. 引入自然\n');
    applyTextEdit(b, '【剑州中学】评课记录\n');
    sync();
    expect(a.toString()).toBe(b.toString());
    expect(a.toString()).toBe('【剑州中学】评课记录\n1. 引入自然\n');
  });

  it('converges when both change the same line', () => {
    const { a, b, sync } = pair();
    applyTextEdit(a, '板书设计');
    sync();
    applyTextEdit(a, '板书设计要清楚');
    applyTextEdit(b, '优秀的板书设计');
    sync();
    expect(a.toString()).toBe(b.toString());
    expect(a.toString()).toContain('要清楚');
    expect(a.toString()).toContain('优秀的');
  });
});

describe('mergeMessages', () => {
  const m = (id: string, text = id) => ({ id, text });

  it('merges recent, missed and live messages by id, once each, in id order', () => {
    const current = [m('01A'), m('01C')];
    const merged = mergeMessages(current, [m('01B'), m('01C'), m('01D')]);
    expect(merged.map((x) => x.id)).toEqual(['01A', '01B', '01C', '01D']);
  });

  it('returns the same list when nothing new came', () => {
    const current = [m('01A')];
    expect(mergeMessages(current, [])).toBe(current);
  });
});
