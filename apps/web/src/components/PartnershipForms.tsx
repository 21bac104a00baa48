import { Form, Input, InputNumber, Select } from 'antd';
import { api } from '../api';
import { OrgSelect, UserSelect } from './SearchSelect';
import { FormModal } from './FormModal';
import { GROUP_MODELS, PARTNERSHIP_KINDS, SUBJECTS, TEAM_ROLES } from '../labels';

// The coordinators' forms for partnerships (帮扶共同体): create and edit one, move it through its statuses, record
// its dispatched team and its fund's disbursements. Rules (who, which dates, which parties) are the api's; the forms
// only shape the input and show the api's message when it says no.

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));
/** What each move is called on its button, and what the reason field asks. */
export const TRANSITION_ACTIONS: Record<string, { label: string; prompt: string }> = {
  active: { label: '启动实施', prompt: '如：协议已签订，派驻团队到位' },
  suspended: { label: '暂停', prompt: '暂停的原因' },
  concluded: { label: '结束帮扶', prompt: '结束的原因，如：帮扶期满，完成考核' },
  proposed: { label: '退回拟建立', prompt: '退回的原因' },
};

/** A calendar date (the browser's own date picker; the api takes YYYY-MM-DD). */
function DateItem({ name, label, optional = false }: { name: string; label: string; optional?: boolean }) {
  return (
    <Form.Item name={name} label={label} rules={[{ required: !optional, pattern: /^\d{4}-\d{2}-\d{2}$/, message: '请选择日期' }]}>
      <Input type="date" style={{ width: 180 }} />
    </Form.Item>
  );
}

export interface PartnershipFormValues {
  id: string;
  name: string;
  kind: string;
  groupModel: string | null;
  startDate: string;
  endDate: string;
  goals: string[];
  description: string | null;
  mentorSide: Party[];
  memberSide: Party[];
  fund: { budget: number | null };
}
/** A side's member: an organization, and for 青蓝工程 the teacher. */
interface Party {
  organizationId: string;
  organizationName: string;
  userId?: string | null;
  userName?: string | null;
}
const orgLabels = (sides: Party[]) => Object.fromEntries(sides.map((s) => [s.organizationId, s.organizationName]));
const userLabels = (sides: Party[]) => Object.fromEntries(sides.filter((s) => s.userId).map((s) => [s.userId!, `${s.userName ?? ''}（${s.organizationName}）`]));

/** The form's fields, shaped into the api's body on sending. */
interface PartnershipFields {
  kind: string;
  groupModel?: string;
  name?: string;
  startDate: string;
  endDate: string;
  mentorOrganizationIds?: string[];
  memberOrganizationIds?: string[];
  mentorTeacherUserId?: string;
  menteeTeacherUserIds?: string[];
  goals?: string;
  description?: string;
  fundBudget?: number | null;
}

/** Create (city coordinators) or edit (city and county coordinators) a partnership; calls onSaved with its id. */
export function PartnershipFormModal({ open, editing, onClose, onSaved }: { open: boolean; editing?: PartnershipFormValues; onClose: () => void; onSaved: (id: string) => void }) {
  const [form] = Form.useForm();
  const kind = Form.useWatch('kind', form) as string | undefined;
  const initialValues: Partial<PartnershipFields> = editing
    ? {
        kind: editing.kind,
        groupModel: editing.groupModel ?? undefined,
        name: editing.name,
        startDate: editing.startDate,
        endDate: editing.endDate,
        ...(editing.kind === 'teacher_pairing'
          ? { mentorTeacherUserId: editing.mentorSide[0]?.userId ?? undefined, menteeTeacherUserIds: editing.memberSide.flatMap((s) => (s.userId ? [s.userId] : [])) }
          : { mentorOrganizationIds: editing.mentorSide.map((s) => s.organizationId), memberOrganizationIds: editing.memberSide.map((s) => s.organizationId) }),
        goals: editing.goals.join('\n'),
        description: editing.description ?? '',
        fundBudget: editing.fund.budget ?? undefined,
      }
    : { kind: 'paired_assistance' };

  const send = (v: PartnershipFields) => {
    const body = {
      name: v.name?.trim() || undefined,
      groupModel: v.kind === 'education_group' ? v.groupModel : editing ? null : undefined,
      startDate: v.startDate,
      endDate: v.endDate,
      mentorOrganizationIds: v.mentorOrganizationIds,
      memberOrganizationIds: v.memberOrganizationIds,
      mentorTeacherUserId: v.mentorTeacherUserId,
      menteeTeacherUserIds: v.menteeTeacherUserIds,
      goals: String(v.goals ?? '')
        .split('\n')
        .map((g: string) => g.trim())
        .filter(Boolean),
      description: v.description?.trim() || (editing ? null : undefined),
      fundBudget: v.fundBudget ?? (editing && editing.fund.budget !== null ? null : undefined),
    };
    return editing
      ? api<{ id: string }>(`partnerships/${editing.id}`, { method: 'PATCH', json: body })
      : api<{ id: string }>('partnerships', { method: 'POST', json: { ...body, kind: v.kind } });
  };

  return (
    <FormModal<PartnershipFields, { id: string }>
      open={open}
      form={form}
      title={editing ? '编辑帮扶共同体' : '新建帮扶共同体'}
      okText={editing ? '保存' : '建立'}
      success={editing ? '已保存' : '帮扶共同体已建立'}
      send={send}
      onClose={onClose}
      onDone={(saved) => onSaved(saved.id)}
      initialValues={initialValues}
      width={640}
    >
      <Form.Item name="kind" label="帮扶类型" rules={[{ required: true }]}>
        <Select disabled={!!editing} options={options(PARTNERSHIP_KINDS)} />
      </Form.Item>
      {kind === 'education_group' && (
        <Form.Item name="groupModel" label="办学模式" rules={[{ required: true, message: '集团化办学须选择办学模式' }]}>
          <Select options={options(GROUP_MODELS)} />
        </Form.Item>
      )}
      <Form.Item name="name" label="名称" extra={editing ? undefined : '可不填：按帮扶方与受援学校自动命名'}>
        <Input maxLength={200} />
      </Form.Item>
      <DateItem name="startDate" label="开始日期" />
      <DateItem name="endDate" label="结束日期" />
      {kind === 'teacher_pairing' ? (
        <>
          <Form.Item name="mentorTeacherUserId" label="导师" rules={[{ required: true, message: '请选择导师' }]} extra="经验丰富的教师或帮扶专家">
            <UserSelect roles={['teacher', 'mentor']} labels={editing ? userLabels(editing.mentorSide) : undefined} />
          </Form.Item>
          <Form.Item name="menteeTeacherUserIds" label="青年教师" rules={[{ required: true, message: '请选择青年教师' }]} extra="学校在职教师，最多 20 位">
            <UserSelect multiple roles={['teacher']} max={20} labels={editing ? userLabels(editing.memberSide) : undefined} />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item name="mentorOrganizationIds" label="帮扶方" rules={[{ required: true, message: '请选择帮扶方' }]} extra="优质学校、高校或市外学校，最多 5 个">
            <OrgSelect multiple kinds={['school', 'university', 'external_school']} max={5} labels={editing ? orgLabels(editing.mentorSide) : undefined} />
          </Form.Item>
          <Form.Item name="memberOrganizationIds" label="受援学校" rules={[{ required: true, message: '请选择受援学校' }]} extra="最多 20 所">
            <OrgSelect multiple kinds={['school']} max={20} labels={editing ? orgLabels(editing.memberSide) : undefined} />
          </Form.Item>
        </>
      )}
      <Form.Item name="goals" label="帮扶目标（每行一条）">
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item name="description" label="说明">
        <Input.TextArea rows={2} maxLength={1000} />
      </Form.Item>
      <Form.Item name="fundBudget" label="专项经费预算（元）">
        <InputNumber min={0} precision={2} style={{ width: 200 }} />
      </Form.Item>
    </FormModal>
  );
}

/** Moves a partnership to `to` with the reason the history keeps. */
export function TransitionModal({ partnershipId, to, onClose, onDone }: { partnershipId: string; to: string | null; onClose: () => void; onDone: () => void }) {
  const action = to ? TRANSITION_ACTIONS[to] : undefined;
  return (
    <FormModal<{ reason: string }>
      open={!!to}
      title={action?.label}
      okText="确定"
      success={`已${action?.label ?? '变更状态'}`}
      send={({ reason }) => api(`partnerships/${partnershipId}/transitions`, { method: 'POST', json: { to, reason } })}
      onClose={onClose}
      onDone={onDone}
    >
      <Form.Item name="reason" label="原因" rules={[{ required: true, min: 2, message: '请填写原因（至少 2 个字）' }]}>
        <Input.TextArea rows={2} maxLength={500} placeholder={action?.prompt} />
      </Form.Item>
    </FormModal>
  );
}

interface RecordModalProps {
  partnershipId: string;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}

/** Adds a person of the dispatched team (派驻团队), sent by one of the mentor side's organizations. */
export function TeamMemberModal({ partnershipId, homeOrganizations, ...modal }: RecordModalProps & { homeOrganizations: Party[] }) {
  return (
    <FormModal<Record<string, string | undefined>>
      {...modal}
      title="添加派驻人员"
      okText="添加"
      success="已添加派驻人员"
      send={(v) => api(`partnerships/${partnershipId}/team`, { method: 'POST', json: { ...v, subject: v.subject || undefined, onSiteTo: v.onSiteTo || undefined } })}
      initialValues={{ role: 'subject_teacher', homeOrganizationId: homeOrganizations.length === 1 ? homeOrganizations[0].organizationId : undefined }}
    >
      <Form.Item name="personName" label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
        <Input maxLength={50} />
      </Form.Item>
      <Form.Item name="role" label="职务" rules={[{ required: true }]}>
        <Select options={options(TEAM_ROLES)} />
      </Form.Item>
      <Form.Item name="subject" label="学科">
        <Select allowClear options={SUBJECTS.map((s) => ({ value: s, label: s }))} />
      </Form.Item>
      <Form.Item name="homeOrganizationId" label="派出单位" rules={[{ required: true, message: '请选择派出单位' }]}>
        <Select options={homeOrganizations.map((o) => ({ value: o.organizationId, label: o.organizationName }))} />
      </Form.Item>
      <DateItem name="onSiteFrom" label="到岗日期" />
      <DateItem name="onSiteTo" label="离岗日期（在岗可不填）" optional />
    </FormModal>
  );
}

/** Records a disbursement of the special fund; the api refuses one beyond the budget. */
export function DisbursementModal({ partnershipId, ...modal }: RecordModalProps) {
  return (
    <FormModal
      {...modal}
      title="登记经费拨付"
      okText="登记"
      success="已登记拨付"
      send={(v) => api(`partnerships/${partnershipId}/disbursements`, { method: 'POST', json: v })}
    >
      <Form.Item name="amount" label="金额（元）" rules={[{ required: true, message: '请填写金额' }]}>
        <InputNumber min={0.01} precision={2} style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="purpose" label="用途" rules={[{ required: true, min: 2, message: '请填写用途（至少 2 个字）' }]}>
        <Input maxLength={200} />
      </Form.Item>
      <DateItem name="disbursedOn" label="拨付日期" />
    </FormModal>
  );
}

const OBLIGATION_FIELDS = [
  { kind: 'joint_research_session', label: '联合教研（次）' },
  { kind: 'onsite_visit', label: '到校指导（次）' },
  { kind: 'resource_push', label: '资源推送（次）' },
] as const;

/** Sets up a term (帮扶学期) with what it obliges: at least so many joint sessions, on-site visits and pushes. */
export function TermModal({ partnershipId, ...modal }: RecordModalProps) {
  const send = (v: Record<string, string | number | undefined>) => {
    const obligations = OBLIGATION_FIELDS.filter((f) => v[f.kind]).map((f) => ({ kind: f.kind, target: v[f.kind] as number }));
    return api(`partnerships/${partnershipId}/terms`, { method: 'POST', json: { label: v.label, startDate: v.startDate, endDate: v.endDate, obligations } });
  };
  return (
    <FormModal {...modal} title="设定帮扶学期" okText="设定" success="已设定帮扶学期" send={send}>
      <Form.Item name="label" label="学期名称" rules={[{ required: true, min: 2, message: '如：2026-2027学年第一学期' }]}>
        <Input maxLength={50} placeholder="2026-2027学年第一学期" />
      </Form.Item>
      <DateItem name="startDate" label="学期开始" />
      <DateItem name="endDate" label="学期结束" />
      <Form.Item label="本学期至少完成" extra="进度按平台上的记录自动统计（教研活动、到校指导登记、资源推送）">
        {OBLIGATION_FIELDS.map((f) => (
          <Form.Item key={f.kind} name={f.kind} label={f.label}>
            <InputNumber min={1} max={1000} precision={0} style={{ width: 140 }} />
          </Form.Item>
        ))}
      </Form.Item>
    </FormModal>
  );
}

/** Logs an on-site visit (到校指导) to one of the member schools; it counts toward the term's visits. */
export function VisitModal({ partnershipId, schools, ...modal }: RecordModalProps & { schools: Party[] }) {
  return (
    <FormModal<Record<string, string | undefined>>
      {...modal}
      title="登记到校指导"
      okText="登记"
      success="已登记到校指导"
      send={(v) => api(`partnerships/${partnershipId}/visits`, { method: 'POST', json: { ...v, summary: v.summary || undefined } })}
      initialValues={{ schoolId: schools.length === 1 ? schools[0].organizationId : undefined }}
    >
      <Form.Item name="schoolId" label="受援学校" rules={[{ required: true, message: '请选择学校' }]}>
        <Select options={schools.map((s) => ({ value: s.organizationId, label: s.organizationName }))} />
      </Form.Item>
      <DateItem name="visitDate" label="指导日期" />
      <Form.Item name="visitors" label="到校人员" rules={[{ required: true, message: '如：周文博等3人' }]}>
        <Input maxLength={200} placeholder="周文博等3人" />
      </Form.Item>
      <Form.Item name="purpose" label="指导内容" rules={[{ required: true, min: 2, message: '请填写指导内容（至少 2 个字）' }]}>
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="summary" label="情况记录">
        <Input.TextArea rows={3} maxLength={2000} />
      </Form.Item>
    </FormModal>
  );
}
