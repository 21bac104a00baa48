import { orderQueue } from './hand-queue';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 30, 2, 0, 0, ms));

describe('orderQueue', () => {
  it('orders hands by raise time, earliest first, whatever the row order', () => {
    const rows = [
      { id: 'c', userId: 'u3', raisedAt: at(300) },
      { id: 'a', userId: 'u1', raisedAt: at(100) },
      { id: 'b', userId: 'u2', raisedAt: at(200) },
    ];
    expect(orderQueue(rows).map((r) => r.userId)).toEqual(['u1', 'u2', 'u3']);
  });

  it('breaks a same-millisecond tie by row id, so every instance computes the same queue', () => {
    const x = { id: 'b-row', userId: 'late-id', raisedAt: at(5) };
    const y = { id: 'a-row', userId: 'early-id', raisedAt: at(5) };
    expect(orderQueue([x, y]).map((r) => r.userId)).toEqual(['early-id', 'late-id']);
    expect(orderQueue([y, x]).map((r) => r.userId)).toEqual(['early-id', 'late-id']);
  });

  it('does not mutate its input', () => {
    const rows = [
      { id: '2', userId: 'b', raisedAt: at(2) },
      { id: '1', userId: 'a', raisedAt: at(1) },
    ];
    orderQueue(rows);
    expect(rows.map((r) => r.userId)).toEqual(['b', 'a']);
  });
});
