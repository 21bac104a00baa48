import { centsToYuan } from './partnership-rules';
import { TEAM_ROLE_LABELS } from './partnership-labels';
import type { TeamMember } from './team-member.entity';
import type { Commendation } from './commendation.entity';
import type { FundDisbursement } from './fund-disbursement.entity';
import type { PartnershipVisit } from './partnership-visit.entity';
import type { CommendationView, DisbursementView, TeamMemberView, VisitView } from './partnerships.dto';

/** A team member loaded with `homeOrganization`. */
export function toTeamMemberView(t: TeamMember): TeamMemberView {
  return {
    id: t.id,
    personName: t.personName,
    userId: t.userId,
    role: t.role,
    roleLabel: TEAM_ROLE_LABELS[t.role],
    subject: t.subject,
    homeOrganizationId: t.homeOrganizationId,
    homeOrganizationName: t.homeOrganization?.name ?? '',
    onSiteFrom: t.onSiteFrom,
    onSiteTo: t.onSiteTo,
  };
}

export function toCommendationView(c: Commendation): CommendationView {
  return {
    id: c.id,
    recipientKind: c.recipientKind,
    recipientName: c.recipientName,
    organizationId: c.organizationId,
    teamMemberId: c.teamMemberId,
    title: c.title,
    reason: c.reason,
    awardedOn: c.awardedOn,
    grantedById: c.grantedById,
  };
}

export function toDisbursementView(d: FundDisbursement): DisbursementView {
  return { id: d.id, amount: centsToYuan(d.amountCents), purpose: d.purpose, disbursedOn: d.disbursedOn, recordedById: d.recordedById, createdAt: d.createdAt };
}

/** A visit loaded with `school`. */
export function toVisitView(v: PartnershipVisit): VisitView {
  return {
    id: v.id,
    schoolId: v.schoolId,
    schoolName: v.school?.name ?? '',
    visitDate: v.visitDate,
    visitors: v.visitors,
    purpose: v.purpose,
    summary: v.summary,
    loggedById: v.loggedById,
    createdAt: v.createdAt,
  };
}
