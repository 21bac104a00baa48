/** The platform stores UTC and reasons about calendar days the way Guangyuan does: in Asia/Shanghai. */
export const PLATFORM_TIME_ZONE = 'Asia/Shanghai';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: PLATFORM_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day (YYYY-MM-DD) it is in Guangyuan at `at`. */
export function shanghaiDate(at: Date = new Date()): string {
  return dayFormat.format(at);
}

/** The calendar year in Guangyuan at `at`. */
export function shanghaiYear(at: Date = new Date()): number {
  return Number(shanghaiDate(at).slice(0, 4));
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Adds days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
