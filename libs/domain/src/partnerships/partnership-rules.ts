import { daysBetween, DomainException, Principal } from '@app/platform';
import type { PartnershipStatus } from './partnership.entity';
import type { ObligationKind } from './partnership-obligation.entity';
import type { PartySide } from './partnership-party.entity';

// ---- status transitions ----

/**
 * proposed -> active -> suspended -> concluded, and back and forth between active and suspended. A partnership
 * also concludes straight from active at the end of its term. Concluded is final; nothing returns to proposed.
 */
export const TRANSITIONS: Readonly<Record<PartnershipStatus, readonly PartnershipStatus[]>> = {
  proposed: ['active'],
  active: ['suspended', 'concluded'],
  suspended: ['active', 'concluded'],
  concluded: [],
};

export function canTransition(from: PartnershipStatus, to: PartnershipStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: PartnershipStatus, to: PartnershipStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainException('PARTNERSHIP_TRANSITION_NOT_ALLOWED', undefined, { from, to, allowed: TRANSITIONS[from] });
  }
}

// ---- money ----

/** Largest amount accepted anywhere (10 billion yuan), far below Number.MAX_SAFE_INTEGER in fen. */
export const MAX_YUAN = 10_000_000_000;

/** Yuan with at most two decimals -> whole fen. Rounds away binary noise (0.1 + 0.2 style) but nothing more. */
export function yuanToCents(yuan: number): number {
  if (!Number.isFinite(yuan) || yuan < 0 || yuan > MAX_YUAN) throw new RangeError(`amount out of range: ${yuan}`);
  const cents = Math.round(yuan * 100);
  if (Math.abs(cents - yuan * 100) > 1e-6 * Math.max(1, yuan)) throw new RangeError(`amount has more than two decimals: ${yuan}`);
  return cents;
}

export const centsToYuan = (cents: number): number => cents / 100;

export interface FundSummary {
  /** null while no fund is set up */
  budget: number | null;
  disbursed: number;
  remaining: number | null;
}

export function fundSummary(budgetCents: number | null, disbursedCents: number): FundSummary {
  return {
    budget: budgetCents === null ? null : centsToYuan(budgetCents),
    disbursed: centsToYuan(disbursedCents),
    remaining: budgetCents === null ? null : centsToYuan(budgetCents - disbursedCents),
  };
}

/** The check the database repeats atomically (see PartnershipRecordsService.disburse). */
export function fitsBudget(budgetCents: number | null, disbursedCents: number, amountCents: number): boolean {
  return budgetCents !== null && amountCents > 0 && disbursedCents + amountCents <= budgetCents;
}

// ---- calendar ----

/** True for a real calendar day written YYYY-MM-DD (2025-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

export interface TermSpan {
  label: string;
  startDate: string;
  endDate: string;
}

/**
 * The school term (学期) a day falls in: the first term runs 1 September to 31 January, the second 1 February
 * to 31 August (summer included, so every day belongs to a term).
 */
export function schoolTermOf(date: string): TermSpan {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  if (month >= 9) return { label: `${year}-${year + 1}学年第一学期`, startDate: `${year}-09-01`, endDate: `${year + 1}-01-31` };
  if (month === 1) return { label: `${year - 1}-${year}学年第一学期`, startDate: `${year - 1}-09-01`, endDate: `${year}-01-31` };
  return { label: `${year - 1}-${year}学年第二学期`, startDate: `${year}-02-01`, endDate: `${year}-08-31` };
}

export function spansOverlap(a: { startDate: string; endDate: string }, b: { startDate: string; endDate: string }): boolean {
  return a.startDate <= b.endDate && b.startDate <= a.endDate;
}

// ---- obligations and health ----

/** Where an obligation's count comes from: real records of this platform, or a feature that does not exist yet. */
export type ProgressSource = 'recorded' | 'not_yet_tracked';

/**
 * The source of each kind when no other context counts it. A context that keeps such records registers a counter in
 * ObligationCounters (resource pushes do), which makes the kind `recorded`.
 */
export const OBLIGATION_SOURCES: Record<ObligationKind, ProgressSource> = {
  onsite_visit: 'recorded',
  joint_research_session: 'not_yet_tracked',
  resource_push: 'not_yet_tracked',
};

export const HEALTH_STATUSES = ['on_track', 'at_risk', 'behind', 'no_data', 'inactive'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export type ObligationState = 'met' | 'on_track' | 'at_risk' | 'behind' | 'not_tracked';

export interface ObligationProgress {
  kind: ObligationKind;
  target: number;
  done: number;
  source: ProgressSource;
  /** How many should be done by today if the work were spread evenly over the term (whole records). */
  expectedByNow: number;
  state: ObligationState;
}

/** Share of a term's days that have passed by `today` (inclusive), 0..1. */
export function termElapsedShare(term: { startDate: string; endDate: string }, today: string): number {
  const total = daysBetween(term.startDate, term.endDate) + 1;
  const elapsed = Math.min(total, Math.max(0, daysBetween(term.startDate, today) + 1));
  return total > 0 ? elapsed / total : 1;
}

/**
 * Progress of one obligation. Work is expected to accrue evenly over the term: behind the pro-rata count is
 * "at risk" while at least half of it is done, "behind" below that. Untracked kinds are never judged.
 */
export function obligationProgress(
  input: { kind: ObligationKind; target: number; done: number; source: ProgressSource },
  term: { startDate: string; endDate: string },
  today: string,
): ObligationProgress {
  const expectedByNow = Math.floor(input.target * termElapsedShare(term, today) + 1e-9);
  let state: ObligationState;
  if (input.source === 'not_yet_tracked') state = 'not_tracked';
  else if (input.done >= input.target) state = 'met';
  else if (input.done >= expectedByNow) state = 'on_track';
  else if (input.done * 2 >= expectedByNow) state = 'at_risk';
  else state = 'behind';
  return { ...input, expectedByNow, state };
}

export interface HealthResult {
  status: HealthStatus;
  /** Chinese, one line per reason the status is not on_track (empty when on track). */
  reasons: string[];
}

/**
 * The health of a partnership from the obligations of its current term: the worst state among the obligations
 * that are counted from records. Nothing to judge (no current term, no obligations, only untracked ones) gives
 * no_data; a partnership that is not active is `inactive` whatever its records say.
 */
export function partnershipHealth(
  status: PartnershipStatus,
  currentTerm: { label: string } | null,
  progress: readonly (ObligationProgress & { label: string })[],
): HealthResult {
  if (status !== 'active') return { status: 'inactive', reasons: [] };
  if (!currentTerm) return { status: 'no_data', reasons: ['没有覆盖今天的帮扶学期'] };
  const judged = progress.filter((p) => p.state !== 'not_tracked');
  if (!judged.length) {
    return { status: 'no_data', reasons: [progress.length ? '本学期的帮扶任务尚无平台记录可统计' : `${currentTerm.label}未设定帮扶任务`] };
  }
  const reasons = judged
    .filter((p) => p.state === 'at_risk' || p.state === 'behind')
    .map((p) => `${p.label}：已完成 ${p.done} 次，按进度应完成 ${p.expectedByNow} 次（学期目标 ${p.target} 次）`);
  if (judged.some((p) => p.state === 'behind')) return { status: 'behind', reasons };
  if (judged.some((p) => p.state === 'at_risk')) return { status: 'at_risk', reasons };
  return { status: 'on_track', reasons };
}

// ---- who may see and manage a partnership ----

export interface PartyRef {
  side: PartySide;
  organizationId: string;
  userId: string | null;
}

/** Is the principal on the mentor side: their organization (an organization party) or themselves (a person party)? */
export function isMentorParty(principal: Principal, parties: readonly PartyRef[]): boolean {
  return parties.some((p) => p.side === 'mentor' && (p.userId ? p.userId === principal.userId : p.organizationId === principal.organizationId));
}

/**
 * Reading: the city all; a county coordinator the partnerships with a member school in their county; school admins
 * and teachers those their school takes part in; mentors those they are on the mentor side of.
 */
export function canReadPartnership(principal: Principal, parties: readonly PartyRef[], memberCountyIds: readonly (string | null)[]): boolean {
  switch (principal.role) {
    case 'city_admin':
      return true;
    case 'county_admin':
      return memberCountyIds.includes(principal.organizationId);
    case 'school_admin':
    case 'teacher':
      return parties.some((p) => p.organizationId === principal.organizationId);
    case 'mentor':
      return isMentorParty(principal, parties);
    default:
      return false;
  }
}

/** Managing (edit, transitions, team, fund, terms, commendations): the city, or the county of a member school. */
export function canManagePartnership(principal: Principal, memberCountyIds: readonly (string | null)[]): boolean {
  if (principal.role === 'city_admin') return true;
  return principal.role === 'county_admin' && memberCountyIds.includes(principal.organizationId);
}

/** Logging visits: managers, and mentors of the partnership. */
export function canLogVisit(principal: Principal, parties: readonly PartyRef[], memberCountyIds: readonly (string | null)[]): boolean {
  return canManagePartnership(principal, memberCountyIds) || (principal.role === 'mentor' && isMentorParty(principal, parties));
}

