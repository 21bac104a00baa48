import type { Organization } from '../../organizations/organization.entity';
import type { Push } from './push.entity';
import type { PushReceipt } from './push-receipt.entity';
import { adoptionSummary, isUnopenedOverdue } from './push-rules';
import { AdoptionView, PushPartyView, PushResourceView, PushTargetView, ReceiptView } from './pushes.dto';

/** Names the views need, loaded once per request. */
export interface ViewNames {
  users: ReadonlyMap<string, string>;
  organizations: ReadonlyMap<string, Organization>;
  partnerships: ReadonlyMap<string, string>;
}

const party = (id: string | null, names: ReadonlyMap<string, string>): PushPartyView | null => (id ? { id, name: names.get(id) ?? '' } : null);

export function baseView(push: Push, names: ViewNames) {
  const target: PushTargetView = { kind: push.targetKind, partnership: party(push.partnershipId, names.partnerships) };
  return {
    id: push.id,
    title: push.title,
    message: push.message,
    target,
    collection: push.collectionId ? { id: push.collectionId, name: push.collectionName ?? '' } : null,
    pushedAt: push.pushedAt,
    pushedOn: push.pushedOn,
    pushedBy: { id: push.pushedById, name: names.users.get(push.pushedById) ?? '' },
    pushedByOrganization: { id: push.pushedByOrganizationId, name: names.organizations.get(push.pushedByOrganizationId)?.name ?? '' },
    resourceCount: push.resourceCount,
    schoolCount: push.schoolCount,
  };
}

export function receiptView(push: Push, r: PushReceipt, names: ViewNames, downloadedResources: number, today: string, days: number): ReceiptView {
  const school = names.organizations.get(r.organizationId);
  return {
    schoolId: r.organizationId,
    schoolName: school?.name ?? '',
    countyId: school?.countyId ?? null,
    isWeak: !!school?.isWeak,
    deliveredAt: r.deliveredAt,
    firstOpenedAt: r.firstOpenedAt,
    firstOpenedBy: party(r.firstOpenedById, names.users),
    firstDownloadedAt: r.firstDownloadedAt,
    firstDownloadedBy: party(r.firstDownloadedById, names.users),
    downloadedResources,
    unopenedOverdue: isUnopenedOverdue(r, push.pushedOn, today, days),
    flaggedAt: r.unopenedFlaggedAt,
  };
}

export function adoptionView(receipts: readonly ReceiptView[]): AdoptionView {
  return adoptionSummary(receipts.map((r) => ({ firstOpenedAt: r.firstOpenedAt, firstDownloadedAt: r.firstDownloadedAt, overdue: r.unopenedOverdue })));
}

/** Flagged: a school the daily job flagged has still not opened the push. */
export function isFlagged(receipts: readonly Pick<ReceiptView, 'firstOpenedAt' | 'flaggedAt'>[]): boolean {
  return receipts.some((r) => r.flaggedAt !== null && r.firstOpenedAt === null);
}

/** Receipts sorted for the pusher: weak schools first, then by name. */
export function sortReceipts(views: ReceiptView[]): ReceiptView[] {
  return views.sort((a, b) => Number(b.isWeak) - Number(a.isWeak) || a.schoolName.localeCompare(b.schoolName, 'zh-CN'));
}

export type { PushResourceView };
