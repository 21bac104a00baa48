import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { Button, Card, Col, Descriptions, Empty, List, Popconfirm, Progress, Row, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { api } from '../api';
import { useAction, useLoad } from '../hooks';
import { PARTNERSHIP_STATUS, shanghai } from '../labels';
import { DisbursementModal, PartnershipFormModal, TeamMemberModal, TermModal, TRANSITION_ACTIONS, TransitionModal, VisitModal } from '../components/PartnershipForms';
import { HEALTH_TAG, sideNames, yuan, type Partnership } from './Partnerships';

interface PartnershipDetailData extends Partnership {
  transitions: { seq: number; to: string; reason: string; actorName: string; at: string }[];
  allowedTransitions: string[];
  permissions: { manage: boolean; logVisits: boolean };
}

interface TeamMember { id: string; personName: string; roleLabel: string; subject: string | null; homeOrganizationName: string; onSiteFrom: string; onSiteTo: string | null }
interface Obligation { id: string; label: string; note: string; target: number; done: number; expectedByNow: number; state: string; source: string }
interface Obligations { term: { label: string; startDate: string; endDate: string; obligations: Obligation[] } | null }
interface Visit { id: string; schoolName: string; visitDate: string; visitors: string; purpose: string; summary: string | null }
interface Fund { budget: number | null; disbursed: number; remaining: number | null; disbursements: { id: string; amount: number; purpose: string; disbursedOn: string }[] }

const STATE: Record<string, [string, string]> = {
  on_track: ['green', '按进度'],
  done: ['green', '已完成'],
  at_risk: ['orange', '稍有滞后'],
  behind: ['red', '滞后'],
  not_tracked: ['default', '暂未统计'],
};

export default function PartnershipDetail() {
  const { id } = useParams();
  const p = useLoad(() => api<PartnershipDetailData>(`partnerships/${id}`), [id]);
  const team = useLoad(() => api<{ items: TeamMember[] }>(`partnerships/${id}/team`), [id]);
  const obligations = useLoad(() => api<Obligations>(`partnerships/${id}/obligations`), [id]);
  const fund = useLoad(() => api<Fund>(`partnerships/${id}/fund`), [id]);
  const visits = useLoad(() => api<{ items: Visit[]; total: number }>(`partnerships/${id}/visits`, { query: { limit: 20 } }), [id]);
  const act = useAction();
  const [settingTerm, setSettingTerm] = useState(false);
  const [loggingVisit, setLoggingVisit] = useState(false);
  const [editing, setEditing] = useState(false);
  const [moveTo, setMoveTo] = useState<string | null>(null);
  const [addingMember, setAddingMember] = useState(false);
  const [disbursing, setDisbursing] = useState(false);
  if (p.loading && !p.data) return <Skeleton active />;
  if (!p.data) return <Empty description="未找到该帮扶共同体" />;
  const d = p.data;
  const manage = d.permissions.manage;
  const removeMember = (m: TeamMember) => act.run(() => api(`partnerships/${d.id}/team/${m.id}`, { method: 'DELETE' }), `已移除 ${m.personName}`).then(team.reload);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {d.name}
      </Typography.Title>
      {manage && (
        <Space wrap data-testid="partnership-actions">
          <Button onClick={() => setEditing(true)}>编辑</Button>
          {d.allowedTransitions.map((to) => (
            <Button key={to} danger={to === 'concluded'} type={to === 'active' ? 'primary' : 'default'} onClick={() => setMoveTo(to)}>
              {TRANSITION_ACTIONS[to]?.label ?? to}
            </Button>
          ))}
        </Space>
      )}
      <PartnershipFormModal open={editing} editing={d} onClose={() => setEditing(false)} onSaved={() => (setEditing(false), p.reload(), fund.reload())} />
      <TransitionModal partnershipId={d.id} to={moveTo} onClose={() => setMoveTo(null)} onDone={() => (setMoveTo(null), p.reload())} />
      <TeamMemberModal
        partnershipId={d.id}
        open={addingMember}
        homeOrganizations={d.mentorSide}
        onClose={() => setAddingMember(false)}
        onDone={() => (setAddingMember(false), team.reload())}
      />
      <TermModal partnershipId={d.id} open={settingTerm} onClose={() => setSettingTerm(false)} onDone={() => (setSettingTerm(false), obligations.reload(), p.reload())} />
      <VisitModal
        partnershipId={d.id}
        open={loggingVisit}
        schools={d.memberSide}
        onClose={() => setLoggingVisit(false)}
        onDone={() => (setLoggingVisit(false), visits.reload(), obligations.reload())}
      />
      <DisbursementModal partnershipId={d.id} open={disbursing} onClose={() => setDisbursing(false)} onDone={() => (setDisbursing(false), fund.reload(), p.reload())} />
      <Card size="small" title="基本情况">
        <Descriptions column={{ xs: 1, md: 2 }} size="small">
          <Descriptions.Item label="类型">{d.kindLabel}</Descriptions.Item>
          <Descriptions.Item label="状态">{d.statusLabel}</Descriptions.Item>
          <Descriptions.Item label={d.kind === 'teacher_pairing' ? '导师' : '帮扶方'}>{sideNames(d.mentorSide)}</Descriptions.Item>
          <Descriptions.Item label={d.kind === 'teacher_pairing' ? '青年教师' : '受援学校'}>{sideNames(d.memberSide)}</Descriptions.Item>
          <Descriptions.Item label="期限">
            {d.startDate} 至 {d.endDate ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label="运行情况">{d.health ? <Tag color={HEALTH_TAG[d.health.status] ?? 'default'}>{d.health.label}</Tag> : '—'}</Descriptions.Item>
        </Descriptions>
        {d.health && d.health.reasons.length > 0 && <Typography.Paragraph type="secondary">{d.health.reasons.join('；')}</Typography.Paragraph>}
        <List size="small" header="帮扶目标" dataSource={d.goals} renderItem={(g) => <List.Item>{g}</List.Item>} />
        <List
          size="small"
          header="状态记录"
          data-testid="partnership-transitions"
          dataSource={[...d.transitions].reverse()}
          renderItem={(t) => (
            <List.Item>
              {shanghai(t.at)} · {PARTNERSHIP_STATUS[t.to] ?? t.to} · {t.reason}（{t.actorName}）
            </List.Item>
          )}
        />
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card
            size="small"
            title={`履约进度${obligations.data?.term ? `（${obligations.data.term.label}）` : ''}`}
            loading={obligations.loading}
            data-testid="obligations"
            extra={
              manage && (
                <Button size="small" onClick={() => setSettingTerm(true)}>
                  设定帮扶学期
                </Button>
              )
            }
          >
            {!obligations.data?.term ? (
              <Empty description="尚未设定覆盖今天的帮扶学期" />
            ) : (
              obligations.data.term.obligations.map((o) => (
                <div key={o.id} style={{ marginBottom: 12 }}>
                  <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                    <span>{o.label}</span>
                    <Tag color={STATE[o.state]?.[0] ?? 'default'}>{STATE[o.state]?.[1] ?? o.state}</Tag>
                  </Space>
                  <Progress aria-label={`${o.label}完成度`} percent={Math.min(100, Math.round((o.done / Math.max(o.target, 1)) * 100))} format={() => `${o.done}/${o.target}`} />
                  <Typography.Text type="secondary">
                    {o.note}（按进度应完成 {o.expectedByNow}）
                  </Typography.Text>
                </div>
              ))
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card
            size="small"
            title="专项经费"
            loading={fund.loading}
            extra={
              manage &&
              fund.data?.budget !== null && (
                <Button size="small" onClick={() => setDisbursing(true)}>
                  登记拨付
                </Button>
              )
            }
          >
            {fund.data && (
              <>
                <Progress aria-label="经费执行进度" percent={Math.round((fund.data.disbursed / Math.max(fund.data.budget ?? 0, 1)) * 100)} />
                <Typography.Paragraph>
                  预算 {yuan(fund.data.budget)}，已拨付 {yuan(fund.data.disbursed)}，余额 {yuan(fund.data.remaining)}
                </Typography.Paragraph>
                <Table
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={fund.data.disbursements}
                  locale={{ emptyText: '暂无拨付记录' }}
                  columns={[
                    { title: '日期', dataIndex: 'disbursedOn' },
                    { title: '用途', dataIndex: 'purpose' },
                    { title: '金额', render: (_, r) => yuan(r.amount) },
                  ]}
                />
              </>
            )}
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title="派驻团队"
        loading={team.loading}
        extra={
          manage && (
            <Button size="small" onClick={() => setAddingMember(true)}>
              添加派驻人员
            </Button>
          )
        }
      >
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: 560 }}
          dataSource={team.data?.items}
          locale={{ emptyText: '暂无派驻人员' }}
          columns={[
            { title: '姓名', dataIndex: 'personName' },
            { title: '职务', dataIndex: 'roleLabel' },
            { title: '学科', render: (_, m) => m.subject ?? '—' },
            { title: '派出单位', dataIndex: 'homeOrganizationName' },
            { title: '在岗时间', render: (_, m) => `${m.onSiteFrom} 起${m.onSiteTo ? ` 至 ${m.onSiteTo}` : ''}` },
            ...(manage
              ? [
                  {
                    title: '操作',
                    render: (_: unknown, m: TeamMember) => (
                      <Popconfirm title={`移除 ${m.personName}？`} okText="移除" cancelText="取消" onConfirm={() => removeMember(m)}>
                        <Button size="small" type="link" danger>
                          移除
                        </Button>
                      </Popconfirm>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Card
        size="small"
        title="到校指导记录"
        loading={visits.loading}
        extra={
          d.permissions.logVisits && (
            <Button size="small" onClick={() => setLoggingVisit(true)}>
              登记到校指导
            </Button>
          )
        }
      >
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: 560 }}
          dataSource={visits.data?.items}
          locale={{ emptyText: '暂无到校指导记录' }}
          columns={[
            { title: '日期', dataIndex: 'visitDate' },
            { title: '学校', dataIndex: 'schoolName' },
            { title: '到校人员', dataIndex: 'visitors' },
            { title: '指导内容', dataIndex: 'purpose' },
            { title: '情况记录', render: (_, v) => v.summary ?? '—' },
          ]}
        />
      </Card>
    </Space>
  );
}
