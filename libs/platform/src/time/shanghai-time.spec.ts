import { addDays, daysBetween, shanghaiDate, shanghaiYear } from './shanghai-time';

describe('Asia/Shanghai calendar helpers', () => {
  it('gives the Guangyuan calendar day, not the UTC one', () => {
    expect(shanghaiDate(new Date('2026-03-31T15:59:59Z'))).toBe('2026-03-31');
    expect(shanghaiDate(new Date('2026-03-31T16:00:00Z'))).toBe('2026-04-01');
    expect(shanghaiYear(new Date('2025-12-31T16:30:00Z'))).toBe(2026);
  });

  it('counts and adds whole days', () => {
    expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2);
    expect(daysBetween('2026-03-01', '2026-02-27')).toBe(-2);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
