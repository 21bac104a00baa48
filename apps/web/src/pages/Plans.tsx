import { Link, useNavigate } from 'react-router-dom';
import { Button, Card, Form, Grid, Input, Progress, Select, Table, Tag } from 'antd';
import { api, type Page } from '../api';
import { useAction, useLoad } from '../hooks';
import { useAuth } from '../auth';

export interface PlanView {
  id: string;
  title: string;
  term: string;
  status: string;
  school: { id: string; name: string; countyName: string };
  measureCounts: { total: number; byStatus: Record<string, number>; overdue: number; awaitingReview: number };
}

export const PLAN_STATUS: Record<string, string> = { draft: '草稿', active: '实施中', closed: '已结束', archived: '已归档' };

/** New plan: coordinators pick a school in their area; a school admin writes their own school's. */
function NewPlan() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const act = useAction();
  // One row on a desktop; stacked on a phone, where a label and a 240px field do not fit side by side.
  const wide = Grid.useBreakpoint().md;
  const own = user?.role === 'school_admin';
  const schools = useLoad(
    () => (own ? Promise.resolve(undefined) : api<Page<{ id: string; name: string; countyName: string }>>('organizations', { query: { kind: 'school', countyId: user?.county?.id, limit: 100 } })),
    [own],
  );
  const submit = async (v: { schoolId?: string; term: string; title: string }) => {
    const plan = await act.run(() => api<{ id: string }>('plans', { method: 'POST', json: { ...v, schoolId: own ? user?.organization?.id : v.schoolId } }), '方案已创建');
    if (plan) navigate(`/plans/${plan.id}`);
  };
  return (
    <Form layout={wide ? 'inline' : 'vertical'} onFinish={submit} style={{ rowGap: 8 }}>
      {!own && (
        <Form.Item name="schoolId" label="学校" rules={[{ required: true, message: '请选择学校' }]}>
          <Select showSearch optionFilterProp="label" style={{ width: 200, maxWidth: '100%' }} loading={schools.loading} options={schools.data?.items.map((o) => ({ value: o.id, label: `${o.countyName} · ${o.name}` }))} />
        </Form.Item>
      )}
      <Form.Item name="term" label="学年" rules={[{ required: true, pattern: /^\d{4}-\d{4}$/, message: '格式 2026-2027' }]}>
        <Input placeholder="2026-2027" style={{ width: 120 }} />
      </Form.Item>
      <Form.Item name="title" label="方案名称" rules={[{ required: true, message: '请填写方案名称' }]}>
        <Input style={{ width: 240, maxWidth: '100%' }} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={act.busy}>
        新建方案
      </Button>
    </Form>
  );
}

export default function Plans() {
  const { user } = useAuth();
  const { data, loading } = useLoad(() => api<Page<PlanView>>('plans', { query: { limit: 100 } }), []);
  const editor = user?.role === 'city_admin' || user?.role === 'county_admin' || user?.role === 'school_admin';
  return (
    <Card title="一校一策方案">
      {editor && (
        <Card size="small" style={{ marginBottom: 12 }}>
          <NewPlan />
        </Card>
      )}
      <Table
        rowKey="id"
        loading={loading}
        dataSource={data?.items}
        scroll={{ x: 680 }}
        locale={{ emptyText: '暂无方案' }}
        columns={[
          { title: '方案', render: (_, p) => <Link to={`/plans/${p.id}`}>{p.title}</Link> },
          { title: '学校', render: (_, p) => `${p.school.countyName} · ${p.school.name}` },
          { title: '学年', dataIndex: 'term' },
          { title: '状态', render: (_, p) => PLAN_STATUS[p.status] ?? p.status },
          {
            title: '完成度',
            render: (_, p) => <Progress size="small" aria-label="措施完成度" percent={p.measureCounts.total ? Math.round(((p.measureCounts.byStatus.done ?? 0) / p.measureCounts.total) * 100) : 0} />,
          },
          { title: '逾期', render: (_, p) => (p.measureCounts.overdue ? <Tag color="red">{p.measureCounts.overdue}</Tag> : 0) },
        ]}
      />
    </Card>
  );
}
