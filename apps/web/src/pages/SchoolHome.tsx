import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, Col, Empty, Row, Space, Typography } from 'antd';
import { api, type Page } from '../api';
import { useLoad } from '../hooks';
import { useAuth } from '../auth';
import type { PlanView } from './Plans';
import { MeasureDrawer, MeasureTable } from './PlanDetail';
import { Notifications, PushInbox } from './Inbox';
import { RectificationList } from './Rectifications';

/** A school admin's home: the school's current plan with its measures, the inbox, open rectifications. */
export default function SchoolHome() {
  const { user } = useAuth();
  const schoolId = user?.organization?.id;
  const plans = useLoad(() => api<Page<PlanView>>('plans', { query: { schoolId, status: 'active', limit: 5 } }), [schoolId]);
  const current = plans.data?.items[0];
  const detail = useLoad(() => (current ? api<{ measures: Parameters<typeof MeasureTable>[0]['measures'] }>(`plans/${current.id}`) : Promise.resolve(undefined)), [current?.id]);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {user?.organization?.name} · 学校首页
      </Typography.Title>
      <Card size="small" title={current ? <Link to={`/plans/${current.id}`}>{`一校一策：${current.title}（${current.term}）`}</Link> : '一校一策'} loading={plans.loading}>
        {current ? <MeasureTable measures={detail.data?.measures ?? []} onOpen={setOpen} /> : <Empty description="暂无实施中的方案" />}
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <PushInbox />
        </Col>
        <Col xs={24} lg={12}>
          <Notifications />
        </Col>
      </Row>
      <Card size="small" title="本校整改单">
        <RectificationList organizationId={schoolId} />
      </Card>
      <MeasureDrawer id={open} onClose={() => setOpen(null)} onChanged={detail.reload} />
    </Space>
  );
}
