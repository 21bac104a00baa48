import { daysBetween, DomainException } from '@app/platform';
import type { RectificationSourceKind, RectificationStatus } from './rectification.entity';

/** The source id of an off-target indicator: one per indicator, organization and school year. */
export function indicatorSourceId(key: string, organizationId: string, year: number): string {
  return `${key}:${organizationId}:${year}`;
}

/**
 * The idempotency key of an order while it is not closed. The unique index on it is what makes the scan safe to
 * run twice, or twice at once: the second insert for the same source fails instead of opening a duplicate.
 * Manual orders have none (a coordinator may issue several about one school).
 */
export function openKeyFor(kind: RectificationSourceKind, sourceId: string | null): string | null {
  if (kind === 'manual' || !sourceId) return null;
  return `${kind}:${sourceId}`;
}

/**
 * Overdue while the unit still owes action past the deadline: open (never answered, or sent back) and the
 * deadline before today. Once evidence is in, the next move is the coordinator's, so it is not the unit's delay.
 */
export function overdueOf(rect: { status: RectificationStatus; deadline: string }, today: string): { overdue: boolean; daysOverdue: number } {
  const days = daysBetween(rect.deadline, today);
  const overdue = rect.status === 'open' && days > 0;
  return { overdue, daysOverdue: overdue ? days : 0 };
}

export type RectificationAction = 'submit_evidence' | 'approve' | 'reject';

/** open -> submitted (evidence) -> closed (approved) or back to open (rejected with a reason). */
const TRANSITIONS: Record<RectificationAction, { from: RectificationStatus; to: RectificationStatus }> = {
  submit_evidence: { from: 'open', to: 'submitted' },
  approve: { from: 'submitted', to: 'closed' },
  reject: { from: 'submitted', to: 'open' },
};

/** The status an action leads to; RECTIFICATION_TRANSITION_NOT_ALLOWED (409) from any other status. */
export function transition(status: RectificationStatus, action: RectificationAction): { from: RectificationStatus; to: RectificationStatus } {
  const rule = TRANSITIONS[action];
  if (status !== rule.from) {
    throw new DomainException('RECTIFICATION_TRANSITION_NOT_ALLOWED', undefined, { status, action, allowedFrom: rule.from });
  }
  return rule;
}

/** Cuts text to a column's length, marking the cut. */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
