import { Link } from 'react-router-dom';
import { Badge, Button, Card, List, Space, Tag, Typography } from 'antd';
import { api, type Page } from '../api';
import { useAction, useLoad } from '../hooks';
import { shanghai } from '../labels';
import { useAuth } from '../auth';
import { useLiveNotifications } from '../components/LiveNotifications';

interface Notification { id: string; type: string; title: string; body: string | null; read: boolean; createdAt: string }
export interface InboxPush {
  id: string;
  title: string;
  message: string;
  pushedAt: string;
  pushedByOrganization: { name: string };
  resources: { id: string; title: string; available: boolean }[];
  receipt: { firstOpenedAt: string | null };
}

export function Notifications() {
  const { received } = useLiveNotifications();
  const list = useLoad(() => api<Page<Notification> & { unread?: number }>('notifications', { query: { limit: 20 } }), [received]);
  const act = useAction();
  return (
    <Card
      size="small"
      title="站内消息"
      extra={
        <Button size="small" loading={act.busy} onClick={() => act.run(() => api('notifications/read-all', { method: 'POST' }), '已全部标为已读').then(list.reload)}>
          全部已读
        </Button>
      }
    >
      <List
        loading={list.loading}
        dataSource={list.data?.items}
        locale={{ emptyText: '暂无消息' }}
        renderItem={(n) => (
          <List.Item>
            <List.Item.Meta
              title={
                <Space>
                  {!n.read && <Badge status="processing" />}
                  {n.title}
                </Space>
              }
              description={
                <>
                  {n.body && <div>{n.body}</div>}
                  <Typography.Text type="secondary">{shanghai(n.createdAt)}</Typography.Text>
                </>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

export function PushInbox({ title = '推送给我校的资源' }: { title?: string }) {
  const list = useLoad(() => api<Page<InboxPush> & { unopened: number }>('pushes/inbox', { query: { limit: 20 } }), []);
  const act = useAction();
  const open = (p: InboxPush) => {
    if (!p.receipt.firstOpenedAt) void act.run(() => api(`pushes/${p.id}/open`, { method: 'POST', json: {} })).then(list.reload);
  };
  return (
    <Card size="small" title={`${title}${list.data?.unopened ? `（${list.data.unopened} 条未读）` : ''}`} data-testid="push-inbox">
      <List
        loading={list.loading}
        dataSource={list.data?.items}
        locale={{ emptyText: '暂无推送' }}
        renderItem={(p) => (
          <List.Item>
            <Space direction="vertical" size={2} style={{ width: '100%' }}>
              <Space wrap>
                {!p.receipt.firstOpenedAt && <Tag color="red">未读</Tag>}
                <strong>{p.title}</strong>
                <Typography.Text type="secondary">
                  {p.pushedByOrganization.name} · {shanghai(p.pushedAt)}
                </Typography.Text>
              </Space>
              <span>{p.message}</span>
              <Space wrap>
                {p.resources.map((r) =>
                  r.available ? (
                    <Link key={r.id} to={`/library/${r.id}`} onClick={() => open(p)}>
                      {r.title}
                    </Link>
                  ) : (
                    <Typography.Text key={r.id} delete>
                      {r.title}
                    </Typography.Text>
                  ),
                )}
              </Space>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}

export default function Inbox() {
  const { user } = useAuth();
  const recipient = user?.role === 'teacher' || user?.role === 'school_admin';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {recipient && <PushInbox />}
      <Notifications />
    </Space>
  );
}
