/**
 * Pure attendance rules (issue 5 item 5): how join/leave intervals become attended minutes and credited hours.
 * Times are epoch milliseconds so the rules are free of Date/time-zone concerns.
 */

/** A reconnect: a gap this short between two intervals of one person counts as presence. */
export const RECONNECT_GAP_MS = 2 * 60_000;

export interface Span {
  start: number;
  end: number;
}

export type CreditRule = 'threshold' | 'proportional';

export interface CreditPolicy {
  rule: CreditRule;
  creditHours: number;
  /** Threshold rule only: share of the scheduled time (0-100) needed for the full hours. */
  minAttendancePercent: number;
}

/** Sorts and merges spans that overlap, touch, or are separated by at most `maxGapMs` (reconnects). */
export function mergeSpans(spans: readonly Span[], maxGapMs: number = RECONNECT_GAP_MS): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start - last.end <= maxGapMs) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  return merged;
}

/** A raw interval as stored: `end` null while the person is still in the room. */
export interface OpenSpan {
  start: number;
  end: number | null;
}

/**
 * A person's stays as the attendance view shows them: raw intervals with reconnect gaps merged (mergeSpans); a
 * stay that contains a still-open interval stays open (end null). Empty intervals (joined and left in the same
 * instant) make no stay.
 */
export function mergeStays(raw: readonly OpenSpan[], maxGapMs: number = RECONNECT_GAP_MS): OpenSpan[] {
  const spans = raw.map((r) => ({ start: r.start, end: r.end ?? Number.POSITIVE_INFINITY }));
  return mergeSpans(spans, maxGapMs).map((s) => ({ start: s.start, end: Number.isFinite(s.end) ? s.end : null }));
}

/** Cuts spans to the window [from, to]; spans entirely outside disappear. */
export function clipSpans(spans: readonly Span[], from: number, to: number): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const start = Math.max(s.start, from);
    const end = Math.min(s.end, to);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** Total milliseconds covered by already merged (non-overlapping) spans. */
export function coveredMs(spans: readonly Span[]): number {
  return spans.reduce((sum, s) => sum + (s.end - s.start), 0);
}

/** Whole minutes (rounded down) of presence. */
export function attendedMinutesOf(spans: readonly Span[]): number {
  return Math.floor(coveredMs(spans) / 60_000);
}

/**
 * Hours credited for `attendedMs` of a session scheduled for `scheduledMs`:
 * threshold = the full hours when attended >= minAttendancePercent % of the scheduled time, else 0;
 * proportional = hours x min(1, attended / scheduled), rounded down to 0.5 h (full attendance always earns the
 * full hours, even when they are not a multiple of 0.5).
 */
export function creditedHours(policy: CreditPolicy, attendedMs: number, scheduledMs: number): number {
  if (scheduledMs <= 0 || attendedMs <= 0 || policy.creditHours <= 0) return 0;
  const ratio = Math.min(1, attendedMs / scheduledMs);
  if (policy.rule === 'threshold') return ratio * 100 >= policy.minAttendancePercent ? policy.creditHours : 0;
  if (ratio >= 1) return policy.creditHours;
  // The epsilon keeps 1.5 from becoming 1.0 through floating-point error (e.g. 3 * 0.5 * 2).
  return Math.floor(policy.creditHours * ratio * 2 + 1e-9) / 2;
}

/** Merge, clip and credit one person's raw intervals for a session window. */
export function creditPerson(
  raw: readonly Span[],
  window: { start: number; end: number; scheduledMs: number },
  policy: CreditPolicy,
): { spans: Span[]; attendedMinutes: number; hours: number } {
  const spans = clipSpans(mergeSpans(raw), window.start, window.end);
  const ms = coveredMs(spans);
  return { spans, attendedMinutes: Math.floor(ms / 60_000), hours: creditedHours(policy, ms, window.scheduledMs) };
}
