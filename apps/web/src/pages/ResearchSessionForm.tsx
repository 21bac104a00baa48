import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, type Page } from '../api';
import { useAuth } from '../auth';
import { useAction, useDebounced, useLoad } from '../hooks';
import { SUBJECTS } from '../labels';
import { KIND_LABELS, LEVEL_LABELS, type SessionDetail } from '../research/types';

interface Org {
  id: string;
  name: string;
}
interface Partnership {
  id: string;
  name: string;
}
interface Values {
  title: string;
  kind: string;
  subject?: string;
  hostOrganizationId?: string;
  time: [Dayjs, Dayjs];
  venue?: string;
  online: boolean;
  partnershipId?: string;
  invitedOrganizationIds?: string[];
  agenda?: { title: string; minutes?: number }[];
  trainingLevel: string;
  creditHours: number;
  creditRule: string;
  minAttendancePercent: number;
}

/** Schools to pick from, searched by name as the user types (the registry may hold hundreds). */
function useSchools(q: string) {
  const debounced = useDebounced(q, 250);
  return useLoad(() => api<Page<Org>>('organizations', { query: { kind: 'school', q: debounced || undefined, limit: 50 } }), [debounced]);
}

/** "Schedule a session": host school users schedule for their school; coordinators pick the host school. */
export default function ResearchSessionForm() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const act = useAction();
  const [hostQ, setHostQ] = useState('');
  const [inviteQ, setInviteQ] = useState('');
  const coordinator = user?.role === 'city_admin' || user?.role === 'county_admin';
  const hosts = useSchools(hostQ);
  const invitees = useSchools(inviteQ);
  const partnerships = useLoad(() => api<Page<Partnership>>('partnerships', { query: { limit: 100 } }), []);
  const [clashes, setClashes] = useState<string[]>([]);

  const submit = async (v: Values) => {
    const body = {
      title: v.title,
      kind: v.kind,
      subject: v.subject || undefined,
      hostOrganizationId: coordinator ? v.hostOrganizationId : user?.organization?.id,
      startsAt: v.time[0].second(0).millisecond(0).format(),
      endsAt: v.time[1].second(0).millisecond(0).format(),
      venue: v.venue || undefined,
      online: v.online,
      partnershipId: v.partnershipId || undefined,
      invitedOrganizationIds: v.invitedOrganizationIds?.length ? v.invitedOrganizationIds : undefined,
      agenda: (v.agenda ?? []).filter((a) => a?.title?.trim()).map((a) => ({ title: a.title.trim(), minutes: a.minutes || undefined })),
      trainingLevel: v.trainingLevel,
      creditHours: v.creditHours,
      creditRule: v.creditRule,
      minAttendancePercent: v.minAttendancePercent,
    };
    const created = await act.run(() => api<SessionDetail>('research-sessions', { method: 'POST', json: body }), '教研活动已安排，已通知受邀人员');
    if (!created) return;
    if (created.clashes.length) setClashes(created.clashes.map((c) => c.title));
    navigate(`/research/${created.id}`);
  };

  if (user?.role === 'mentor') return <Alert type="info" showIcon message="帮扶专家不能主办教研活动，可参加受邀的活动。" />;
  return (
    <Card title="安排教研活动" extra={<Link to="/research">返回日历</Link>}>
      {clashes.length > 0 && <Alert type="warning" showIcon message={`与以下活动时间冲突：${clashes.join('、')}`} />}
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 760 }}
        onFinish={submit}
        initialValues={{ kind: 'joint_research', online: true, trainingLevel: 'school', creditHours: 2, creditRule: 'threshold', minAttendancePercent: 80, agenda: [{ title: '' }] }}
      >
        <Form.Item name="title" label="活动名称" rules={[{ required: true, message: '请填写活动名称' }, { max: 200 }]}>
          <Input placeholder="如：高一数学函数单元同课异构" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="kind" label="活动类型" rules={[{ required: true }]}>
            <Select style={{ width: 160 }} options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="subject" label="学科">
            <Select allowClear style={{ width: 140 }} options={SUBJECTS.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
          {coordinator && (
            <Form.Item name="hostOrganizationId" label="主办学校" rules={[{ required: true, message: '请选择主办学校' }]}>
              <Select
                showSearch
                style={{ width: 240 }}
                filterOption={false}
                onSearch={setHostQ}
                loading={hosts.loading}
                options={(hosts.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
              />
            </Form.Item>
          )}
        </Space>
        <Form.Item name="time" label="时间（北京时间）" rules={[{ required: true, message: '请选择开始与结束时间' }]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="online" label="线上直播" valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item name="venue" label="地点">
            <Input style={{ width: 260 }} placeholder="如：剑州中学录播教室" />
          </Form.Item>
        </Space>
        <Form.Item name="partnershipId" label="所属帮扶共同体（不选受邀单位时邀请共同体成员校）">
          <Select allowClear loading={partnerships.loading} options={(partnerships.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} />
        </Form.Item>
        <Form.Item name="invitedOrganizationIds" label="受邀学校">
          <Select
            mode="multiple"
            showSearch
            filterOption={false}
            onSearch={setInviteQ}
            loading={invitees.loading}
            options={(invitees.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))}
          />
        </Form.Item>
        <Form.List name="agenda">
          {(fields, { add, remove }) => (
            <Form.Item label="议程">
              <Space direction="vertical" style={{ width: '100%' }}>
                {fields.map((f, i) => (
                  <Space key={f.key} wrap>
                    <Form.Item name={[f.name, 'title']} noStyle>
                      <Input aria-label={`议程 ${i + 1}`} placeholder={`议程 ${i + 1}`} style={{ width: 360 }} maxLength={200} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'minutes']} noStyle>
                      <InputNumber aria-label={`议程 ${i + 1} 时长`} min={1} max={1440} addonAfter="分钟" style={{ width: 150 }} />
                    </Form.Item>
                    <Button onClick={() => remove(f.name)} aria-label={`删除议程 ${i + 1}`}>
                      删除
                    </Button>
                  </Space>
                ))}
                <Button onClick={() => add({ title: '' })}>添加议程</Button>
              </Space>
            </Form.Item>
          )}
        </Form.List>
        <Space wrap>
          <Form.Item name="trainingLevel" label="培训级别">
            <Select style={{ width: 120 }} options={Object.entries(LEVEL_LABELS).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="creditHours" label="学时" rules={[{ required: true, message: '请填写学时' }]}>
            <InputNumber min={0} max={100} step={0.5} />
          </Form.Item>
          <Form.Item name="creditRule" label="学时认定">
            <Select
              style={{ width: 150 }}
              options={[
                { value: 'threshold', label: '出勤达标计满' },
                { value: 'proportional', label: '按出勤比例' },
              ]}
            />
          </Form.Item>
          <Form.Item name="minAttendancePercent" label="达标出勤率">
            <InputNumber min={1} max={100} addonAfter="%" />
          </Form.Item>
        </Space>
        <Button type="primary" htmlType="submit" loading={act.busy}>
          安排活动
        </Button>
      </Form>
    </Card>
  );
}
