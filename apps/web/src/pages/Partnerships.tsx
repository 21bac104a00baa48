import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button, Card, Table, Tag, Typography } from 'antd';
import { api, type Page } from '../api';
import { useAuth } from '../auth';
import { useLoad } from '../hooks';
import { PartnershipFormModal } from '../components/PartnershipForms';

export interface Side {
  organizationId: string;
  organizationName: string;
  organizationKind: string;
  /** 青蓝工程: the teacher. */
  userId: string | null;
  userName: string | null;
}
/** A side's members as a line: units, or for 青蓝工程 the teachers with their school. */
export const sideNames = (side: Side[]) => side.map((s) => (s.userName ? `${s.userName}（${s.organizationName}）` : s.organizationName)).join('、');
export interface Partnership {
  id: string;
  name: string;
  kindLabel: string;
  statusLabel: string;
  kind: string;
  groupModel: string | null;
  status: string;
  startDate: string;
  endDate: string;
  goals: string[];
  description: string | null;
  mentorSide: Side[];
  memberSide: Side[];
  fund: { budget: number | null; disbursed: number; remaining: number | null };
  health: { status: string; label: string; reasons: string[]; termLabel: string | null } | null;
}
export const HEALTH_TAG: Record<string, string> = { on_track: 'green', at_risk: 'orange', behind: 'red' };
export const yuan = (n: number | null) => (n === null ? '—' : `${(n / 10000).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 万元`);

export default function Partnerships() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const { data, loading } = useLoad(() => api<Page<Partnership>>('partnerships', { query: { limit: 100 } }), []);
  return (
    <Card
      title="帮扶共同体"
      extra={
        user?.role === 'city_admin' && (
          <Button type="primary" onClick={() => setCreating(true)}>
            新建帮扶共同体
          </Button>
        )
      }
    >
      <PartnershipFormModal open={creating} onClose={() => setCreating(false)} onSaved={(id) => navigate(`/partnerships/${id}`)} />
      <Table
        rowKey="id"
        loading={loading}
        dataSource={data?.items}
        scroll={{ x: 720 }}
        locale={{ emptyText: '暂无数据' }}
        columns={[
          { title: '名称', render: (_, p) => <Link to={`/partnerships/${p.id}`}>{p.name}</Link> },
          { title: '类型', dataIndex: 'kindLabel' },
          { title: '状态', dataIndex: 'statusLabel' },
          { title: '帮扶方', render: (_, p) => sideNames(p.mentorSide) },
          { title: '受援方', render: (_, p) => sideNames(p.memberSide) },
          { title: '运行情况', render: (_, p) => (p.health ? <Tag color={HEALTH_TAG[p.health.status] ?? 'default'}>{p.health.label}</Tag> : '—') },
          { title: '经费执行', render: (_, p) => `${yuan(p.fund.disbursed)} / ${yuan(p.fund.budget)}` },
        ]}
      />
      <Typography.Text type="secondary">共 {data?.total ?? 0} 个</Typography.Text>
    </Card>
  );
}
