import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Empty, Input, List, Modal, Space, Steps, Table, Tag, Typography } from 'antd';
import { api } from '../api';
import { useAction, useLoad } from '../hooks';
import { RESOURCE_TYPES, shanghai } from '../labels';
import { LEVEL_LABELS, RSVP_LABELS, SESSION_STATUS, SESSION_STATUS_COLOR, type AttendanceSummary, type SessionDetail } from '../research/types';

const ROOM_OPENS_BEFORE_MS = 30 * 60_000;

function Attendance({ id }: { id: string }) {
  const { data, loading } = useLoad(() => api<AttendanceSummary>(`research-sessions/${id}/attendance`), [id]);
  return (
    <Card size="small" title={`出勤与学时${data ? `（计划 ${data.scheduledMinutes} 分钟${data.finalised ? '，已结算' : '，结束后结算'}）` : ''}`} data-testid="attendance">
      <Table
        size="small"
        loading={loading}
        rowKey="userId"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        dataSource={data?.people ?? []}
        scroll={{ x: true }}
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '学校', dataIndex: 'schoolName' },
          { title: '在线时长', dataIndex: 'attendedMinutes', render: (m: number) => `${m} 分钟` },
          { title: '进出次数', render: (_, p) => p.intervals.length },
          { title: '认定学时', dataIndex: 'creditedHours' },
        ]}
        locale={{ emptyText: '暂无人进入直播间' }}
      />
    </Card>
  );
}

export default function ResearchSessionDetail() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data: s, loading, error, reload } = useLoad(() => api<SessionDetail>(`research-sessions/${id}`), [id]);
  const act = useAction();
  const [feed, setFeed] = useState<string | null>(null);
  const [cancelOpen, setCancelOpen] = useState(false);
  const [reason, setReason] = useState('');

  if (error) return <Alert type="error" showIcon message={error.message} />;
  if (!s) return <Card loading={loading} />;

  const rsvp = async (response: string) => {
    if (await act.run(() => api(`research-sessions/${id}/rsvp`, { method: 'POST', json: { response } }), '已回复')) reload();
  };
  const end = async () => {
    if (await act.run(() => api(`research-sessions/${id}/end`, { method: 'POST' }), '活动已结束，学时已结算')) reload();
  };
  const cancel = async () => {
    if (await act.run(() => api(`research-sessions/${id}/cancel`, { method: 'POST', json: { reason: reason || undefined } }), '活动已取消，已通知受邀人员')) {
      setCancelOpen(false);
      reload();
    }
  };
  const subscribe = async () => {
    const r = await act.run(() => api<{ url: string }>('me/calendar-feed', { method: 'POST' }));
    if (r) setFeed(r.url);
  };
  const open = s.status === 'scheduled' || s.status === 'live';
  // The api opens the room 30 minutes before the start (LIVE_NOT_OPEN_YET before that).
  const roomOpen = s.status === 'live' || (s.status === 'scheduled' && Date.now() >= Date.parse(s.startsAt) - ROOM_OPENS_BEFORE_MS);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space wrap>
            <span data-testid="session-title">{s.title}</span>
            <Tag color={SESSION_STATUS_COLOR[s.status]}>{SESSION_STATUS[s.status]}</Tag>
          </Space>
        }
        extra={<Link to="/research">返回日历</Link>}
      >
        {s.status === 'cancelled' && <Alert type="warning" showIcon message={`活动已取消${s.cancelReason ? `：${s.cancelReason}` : ''}`} style={{ marginBottom: 12 }} />}
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} bordered>
          <Descriptions.Item label="类型">{s.kindLabel}</Descriptions.Item>
          <Descriptions.Item label="主办学校">{s.hostOrganizationName}</Descriptions.Item>
          <Descriptions.Item label="学科">{s.subject ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="时间">
            {s.startsAtLocal} – {s.endsAtLocal.slice(11)}（北京时间）
          </Descriptions.Item>
          <Descriptions.Item label="地点">{s.online ? `线上${s.venue ? ` · ${s.venue}` : ''}` : (s.venue ?? '—')}</Descriptions.Item>
          <Descriptions.Item label="学时">
            {LEVEL_LABELS[s.trainingLevel] ?? s.trainingLevel} · {s.creditHours} 学时（{s.creditRule === 'proportional' ? '按出勤比例' : `出勤达 ${s.minAttendancePercent}% 计满`}）
          </Descriptions.Item>
          <Descriptions.Item label="回复情况">
            参加 {s.rsvpCounts.accept} · 待定 {s.rsvpCounts.tentative} · 不参加 {s.rsvpCounts.decline}
          </Descriptions.Item>
          <Descriptions.Item label="我的回复">
            <span data-testid="my-rsvp">{s.myRsvp ? RSVP_LABELS[s.myRsvp] : '未回复'}</span>
          </Descriptions.Item>
        </Descriptions>
        <Space wrap style={{ marginTop: 12 }}>
          {open &&
            (roomOpen ? (
              <Button type="primary" onClick={() => navigate(`/research/${id}/live`)} data-testid="enter-live">
                进入直播间
              </Button>
            ) : (
              <Button disabled title="开始前 30 分钟开放">
                直播间开始前 30 分钟开放
              </Button>
            ))}
          {s.status === 'scheduled' &&
            (['accept', 'tentative', 'decline'] as const).map((r) => (
              <Button key={r} onClick={() => rsvp(r)} disabled={act.busy} type={s.myRsvp === r ? 'primary' : 'default'} ghost={s.myRsvp === r}>
                {RSVP_LABELS[r]}
              </Button>
            ))}
          <Button onClick={subscribe} disabled={act.busy}>
            订阅日历（iCal）
          </Button>
          {s.canModerate && open && (
            <>
              <Button danger onClick={() => Modal.confirm({ title: '结束活动？', content: '结束后将结算出勤与学时，直播间关闭。', okText: '结束', cancelText: '取消', onOk: end })}>
                结束活动
              </Button>
              {s.status === 'scheduled' && (
                <Button danger onClick={() => setCancelOpen(true)}>
                  取消活动
                </Button>
              )}
            </>
          )}
        </Space>
        {feed && (
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            showIcon
            message="日历订阅地址（请勿外传；再次生成后旧地址失效）"
            description={<Typography.Text copyable data-testid="ical-url">{feed}</Typography.Text>}
          />
        )}
        {s.clashes.length > 0 && s.canModerate && (
          <Alert
            style={{ marginTop: 12 }}
            type="warning"
            showIcon
            message="时间冲突"
            description={s.clashes.map((c) => `${c.type === 'host' ? '主办方' : '主讲人'}同时段另有：${c.title}（${shanghai(c.startsAt)}）`).join('；')}
          />
        )}
      </Card>
      <Card size="small" title="议程">
        {s.agenda.length === 0 ? (
          <Empty description="未设置议程" />
        ) : (
          <Steps
            direction="vertical"
            size="small"
            current={s.status === 'scheduled' ? -1 : s.currentAgendaIndex}
            items={s.agenda.map((a) => ({ title: a.title, description: a.minutes ? `${a.minutes} 分钟` : undefined }))}
          />
        )}
      </Card>
      <Card size="small" title={`受邀单位与人员（${s.invitations.length}）`}>
        <List
          size="small"
          dataSource={s.invitations}
          locale={{ emptyText: '暂无' }}
          renderItem={(i) => (
            <List.Item>
              {i.name}
              {i.organizationName ? `（${i.organizationName}）` : ''} {i.role === 'presenter' && <Tag color="purple">主讲</Tag>}
              {i.type === 'organization' && <Tag>单位</Tag>}
            </List.Item>
          )}
        />
      </Card>
      <Card size="small" title="关联资源">
        <List
          size="small"
          dataSource={s.resources}
          locale={{ emptyText: '暂无' }}
          renderItem={(r) => (
            <List.Item>
              <Link to={`/library/${r.id}`}>{r.title}</Link> <Tag>{RESOURCE_TYPES[r.type] ?? r.type}</Tag>
            </List.Item>
          )}
        />
      </Card>
      {s.canModerate && <Attendance id={id} />}
      <Modal open={cancelOpen} title="取消活动" okText="确认取消" cancelText="返回" onOk={cancel} onCancel={() => setCancelOpen(false)} confirmLoading={act.busy}>
        <Input.TextArea aria-label="取消原因" placeholder="取消原因（将通知受邀人员）" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
      </Modal>
    </Space>
  );
}
