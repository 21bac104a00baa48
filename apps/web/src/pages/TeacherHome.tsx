import { Card, Col, Empty, List, Progress, Row, Space, Typography } from 'antd';
import { ApiError, api } from '../api';
import { useAuth } from '../auth';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { shanghai } from '../labels';
import { PushInbox } from './Inbox';

const TARGET_HOURS = 72;

interface Training { year: number; totalHours: number; targetHours: number }
interface Session { id: string; title: string; kindLabel: string; startsAt: string; hostOrganizationName: string; subject: string | null; venue: string | null; online: boolean }

/**
 * Loads an endpoint another issue is still building: a 404 (route not there yet) or any failure shows
 * "暂无数据" instead of made-up numbers.
 */
function useOptional<T>(path: string | null, query?: Record<string, string | number>): { data: T | null; loading: boolean } {
  const [state, setState] = useState<{ data: T | null; loading: boolean }>({ data: null, loading: true });
  const key = JSON.stringify([path, query]);
  useEffect(() => {
    if (!path) return setState({ data: null, loading: false });
    let live = true;
    api<T>(path, { query })
      .then((data) => live && setState({ data, loading: false }))
      .catch((e) => {
        if (!(e instanceof ApiError)) console.warn(e);
        if (live) setState({ data: null, loading: false });
      });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}

export default function TeacherHome() {
  const { user } = useAuth();
  const year = new Date().getFullYear();
  const training = useOptional<Training>(user ? `users/${user.id}/training` : null, { year });
  const now = new Date();
  const to = new Date(now.getTime() + 30 * 86400_000);
  const sessions = useOptional<{ items: Session[] }>('research-sessions', { from: now.toISOString(), to: to.toISOString() });
  const hours = training.data?.totalHours ?? null;
  const target = training.data?.targetHours ?? TARGET_HOURS;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {user?.name}老师，您好
      </Typography.Title>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={8}>
          <Card size="small" title={`${year} 年度培训学时（目标 ${target} 学时）`} loading={training.loading} data-testid="training-hours">
            {hours === null ? (
              <Empty description="暂无数据" />
            ) : (
              <Progress type="dashboard" aria-label="培训学时完成度" percent={Math.min(100, Math.round((hours / target) * 100))} format={() => `${hours} / ${target}`} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card size="small" title="近期教研活动" extra={<Link to="/research">教研日历</Link>} loading={sessions.loading} data-testid="upcoming-sessions">
            {!sessions.data || sessions.data.items.length === 0 ? (
              <Empty description="暂无数据" />
            ) : (
              <List
                dataSource={sessions.data.items}
                renderItem={(s) => (
                  <List.Item actions={[<Link key="open" to={`/research/${s.id}`}>详情</Link>]}>
                    <List.Item.Meta title={<Link to={`/research/${s.id}`}>{s.title}</Link>} description={`${shanghai(s.startsAt)} · ${s.kindLabel} · ${s.hostOrganizationName}${s.online ? ' · 线上' : s.venue ? ` · ${s.venue}` : ''}`} />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
      <PushInbox title="推送给我的资源" />
    </Space>
  );
}
