import type { GroupModel, PartnershipKind, PartnershipStatus } from './partnership.entity';
import type { ObligationKind } from './partnership-obligation.entity';
import type { TeamRole } from './team-member.entity';
import type { CommendationRecipient } from './commendation.entity';
import type { HealthStatus } from './partnership-rules';

/** Chinese labels as the policy and its users write them. */
export const KIND_LABELS: Record<PartnershipKind, string> = {
  trusteeship: '托管帮扶',
  group_aid: '组团式帮扶',
  education_group: '集团化办学',
  paired_assistance: '对口帮扶',
  teacher_pairing: '青蓝工程',
};

export const GROUP_MODEL_LABELS: Record<GroupModel, string> = {
  urban_rural: '城区学校+农村学校',
  quality_weak: '优质学校+薄弱学校',
  quality_several_weak: '优质学校+若干薄弱学校',
};

export const STATUS_LABELS: Record<PartnershipStatus, string> = {
  proposed: '拟建立',
  active: '实施中',
  suspended: '已暂停',
  concluded: '已结束',
};

export const OBLIGATION_LABELS: Record<ObligationKind, string> = {
  joint_research_session: '联合教研',
  onsite_visit: '到校指导',
  resource_push: '资源推送',
};

export const TEAM_ROLE_LABELS: Record<TeamRole, string> = {
  executive_principal: '执行校长',
  principal: '校长',
  vice_principal: '副校长',
  middle_manager: '中层干部',
  subject_teacher: '学科教师',
  researcher: '教研员',
  other: '其他',
};

export const RECIPIENT_LABELS: Record<CommendationRecipient, string> = { school: '学校', team: '团队', person: '个人' };

export const HEALTH_LABELS: Record<HealthStatus, string> = {
  on_track: '进展正常',
  at_risk: '略有滞后',
  behind: '严重滞后',
  no_data: '暂无可评估数据',
  inactive: '未在实施',
};
