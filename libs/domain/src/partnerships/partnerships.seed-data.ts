import type { PartnershipKind } from './partnership.entity';
import type { ObligationKind } from './partnership-obligation.entity';
import type { TeamRole } from './team-member.entity';

export interface SeedPartnership {
  name: string;
  kind: PartnershipKind;
  /** Organization names as seeded (seed-data.ts). */
  mentor: string;
  member: string;
  startDate: string;
  goals: string[];
  description: string;
  fundBudgetYuan: number;
  disbursements: { amountYuan: number; purpose: string; disbursedOn: string }[];
  team: { personName: string; role: TeamRole; subject: string | null; username?: string }[];
  /** A visit logged by this demo account in the current term, so progress is counted from a real record. */
  visitBy?: { username: string; visitors: string; purpose: string; summary: string };
}

/** Typical obligations per term (issue 3, item 2). */
export const SEED_OBLIGATIONS: readonly { kind: ObligationKind; target: number; note: string }[] = [
  { kind: 'joint_research_session', target: 4, note: '联合教研每学期不少于4次' },
  { kind: 'onsite_visit', target: 2, note: '帮扶方到校指导每学期不少于2次' },
  { kind: 'resource_push', target: 20, note: '每学期推送优质教学资源不少于20件' },
];

/** Agreements run at least to the end of this school year (and through the current one when later). */
export const SEED_MIN_END_DATE = '2026-08-31';

/** The three partnerships the policy names (POLICY.md, measure 四). Team names are demo people. */
export const SEED_PARTNERSHIPS: readonly SeedPartnership[] = [
  {
    name: '广安烈面中学 → 剑州中学（组团式帮扶）',
    kind: 'group_aid',
    mentor: '广安烈面中学',
    member: '剑州中学',
    startDate: '2023-09-01',
    goals: [
      '派驻管理和学科教学团队，完善学校管理制度',
      '建立学科教研共同体，每学期联合教研不少于4次',
      '三年内师生比达到1:12.5，起始年级班额不超过55人',
      '培养县级以上骨干教师10名',
    ],
    description: '广安烈面中学选派执行校长和学科骨干教师组团到剑州中学开展帮扶。',
    fundBudgetYuan: 2_000_000,
    disbursements: [{ amountYuan: 300_000, purpose: '派驻团队工作经费（首批）', disbursedOn: '2023-09-15' }],
    team: [
      { personName: '何建平', role: 'executive_principal', subject: null },
      { personName: '周文博', role: 'subject_teacher', subject: '物理', username: 'mentor.liemian' },
      { personName: '唐晓梅', role: 'subject_teacher', subject: '数学' },
    ],
    visitBy: { username: 'mentor.liemian', visitors: '周文博等3人', purpose: '课堂诊断与物理学科教研指导', summary: '听评课6节，与物理教研组共同修订高一校本作业。' },
  },
  {
    name: '资阳安岳中学 → 旺苍东城中学（组团式帮扶）',
    kind: 'group_aid',
    mentor: '资阳安岳中学',
    member: '旺苍东城中学',
    startDate: '2023-09-01',
    goals: [
      '派驻管理和学科教学团队，提升学校治理水平',
      '共建德育共享平台，完善班主任培养机制',
      '三年内起始年级班额不超过55人，生均公用经费不低于1000元',
    ],
    description: '资阳安岳中学选派执行校长和学科骨干教师组团到旺苍东城中学开展帮扶。',
    fundBudgetYuan: 2_000_000,
    disbursements: [{ amountYuan: 300_000, purpose: '派驻团队工作经费（首批）', disbursedOn: '2023-09-20' }],
    team: [
      { personName: '罗志刚', role: 'executive_principal', subject: null },
      { personName: '蒋敏', role: 'subject_teacher', subject: '英语' },
      { personName: '邓宏', role: 'subject_teacher', subject: '化学' },
    ],
  },
  {
    name: '北京化工大学 → 剑门关高中（托管帮扶）',
    kind: 'trusteeship',
    mentor: '北京化工大学',
    member: '剑门关高中',
    startDate: '2023-09-01',
    goals: ['托管学校管理，引入高校课程与师资培训资源', '建设科技创新特色课程', '每学年组织教师赴高校专题培训'],
    description: '北京化工大学托管剑门关高中，提供管理、课程和师资培训支持。',
    fundBudgetYuan: 3_000_000,
    disbursements: [{ amountYuan: 500_000, purpose: '托管管理服务与课程建设经费（首期）', disbursedOn: '2024-03-01' }],
    team: [],
  },
];
