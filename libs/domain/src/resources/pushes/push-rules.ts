import { daysBetween, Principal, Role } from '@app/platform';
import type { PushTargetKind } from './push.entity';

/** Who pushes: the city and county coordinators, and mentors (to their own partnerships' member schools). */
export const PUSHER_ROLES = ['city_admin', 'county_admin', 'mentor'] as const satisfies readonly Role[];
/** Who receives: the staff of a target school. */
export const RECIPIENT_ROLES = ['teacher', 'school_admin'] as const satisfies readonly Role[];

export const MAX_PUSH_RESOURCES = 50;
export const MAX_PUSH_SCHOOLS = 200;

export function isPusher(principal: Principal): boolean {
  return (PUSHER_ROLES as readonly Role[]).includes(principal.role);
}

export function isRecipientRole(principal: Principal): boolean {
  return (RECIPIENT_ROLES as readonly Role[]).includes(principal.role);
}

export interface SchoolRef {
  id: string;
  kind: string;
  countyId: string | null;
}

/**
 * Mentor reach: member school id -> the active partnerships (ids, sorted) through which the mentor reaches it.
 * Empty for everyone but mentors.
 */
export type MentorReach = ReadonlyMap<string, readonly string[]>;

/**
 * May this principal push to this school? The city: any school; a county coordinator: the schools of their
 * county; a mentor: the member schools of the active partnerships they mentor.
 */
export function canPushTo(principal: Principal, school: SchoolRef, reach: MentorReach): boolean {
  if (school.kind !== 'school') return false;
  switch (principal.role) {
    case 'city_admin':
      return true;
    case 'county_admin':
      return school.countyId === principal.organizationId;
    case 'mentor':
      return (reach.get(school.id)?.length ?? 0) > 0;
    default:
      return false;
  }
}

/**
 * The partnership a delivery counts for: the targeted partnership; for a mentor's other pushes the (first, by id)
 * partnership through which they reach the school; nothing for a coordinator's own push to a list or the weak schools.
 */
export function attributionFor(principal: Principal, targetKind: PushTargetKind, partnershipId: string | null, schoolId: string, reach: MentorReach): string | null {
  if (targetKind === 'partnership') return partnershipId;
  if (principal.role === 'mentor') return reach.get(schoolId)?.[0] ?? null;
  return null;
}

/** Who sees a push's adoption per school: the city, and the pushing organization (the pusher and their colleagues). */
export function canSeeAdoption(principal: Principal, push: { pushedByOrganizationId: string }): boolean {
  if (principal.role === 'city_admin') return true;
  return isPusher(principal) && push.pushedByOrganizationId === principal.organizationId;
}

/** Not opened by the school `days` calendar days (Asia/Shanghai) or more after the push. */
export function isUnopenedOverdue(receipt: { firstOpenedAt: Date | null }, pushedOn: string, today: string, days: number): boolean {
  return receipt.firstOpenedAt === null && daysBetween(pushedOn, today) >= days;
}

/** The last push day that is overdue today: pushes on or before it count as unopened for too long. */
export function overdueCutoff(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

export interface AdoptionSummary {
  schools: number;
  opened: number;
  downloaded: number;
  unopenedOverdue: number;
  /** Opened share 0..1 (0 for no schools), rounded to 3 decimals. */
  openRate: number;
  downloadRate: number;
}

export function adoptionSummary(receipts: readonly { firstOpenedAt: Date | null; firstDownloadedAt: Date | null; overdue: boolean }[]): AdoptionSummary {
  const schools = receipts.length;
  const opened = receipts.filter((r) => r.firstOpenedAt !== null).length;
  const downloaded = receipts.filter((r) => r.firstDownloadedAt !== null).length;
  const rate = (n: number) => (schools ? Math.round((n / schools) * 1000) / 1000 : 0);
  return { schools, opened, downloaded, unopenedOverdue: receipts.filter((r) => r.overdue).length, openRate: rate(opened), downloadRate: rate(downloaded) };
}

/** The inbox headline when the pusher gives none: the collection's name, or the first resource's title (+ how many more). */
export function defaultPushTitle(collectionName: string | null, titles: readonly string[]): string {
  if (collectionName) return clip(`专题资源包：${collectionName}`, 200);
  if (titles.length <= 1) return clip(titles[0] ?? '资源推送', 200);
  const suffix = `等${titles.length}件资源`;
  return clip(titles[0], 200 - suffix.length) + suffix;
}

function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}
