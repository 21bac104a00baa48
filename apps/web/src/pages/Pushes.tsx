import { useState } from 'react';
import { Card, Drawer, Progress, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { api, type Page } from '../api';
import { useLoad } from '../hooks';
import { shanghai } from '../labels';
import { ActionLink } from '../components/ActionLink';

interface Adoption { schools: number; opened: number; downloaded: number; unopenedOverdue: number; openRate: number; downloadRate: number }
interface PushSummary { id: string; title: string; message: string; pushedAt: string; pushedBy: { name: string }; resourceCount: number; schoolCount: number; adoption: Adoption; flagged: boolean }
interface Receipt { schoolId: string; schoolName: string; isWeak: boolean; firstOpenedAt: string | null; firstOpenedBy: { name: string } | null; firstDownloadedAt: string | null; downloadedResources: number; unopenedOverdue: boolean }
interface PushDetail extends PushSummary { receipts: Receipt[]; resources: { id: string; title: string }[] }

const pct = (r: number) => Math.round(r * 100);

export default function Pushes() {
  const list = useLoad(() => api<Page<PushSummary>>('pushes', { query: { limit: 50 } }), []);
  const [open, setOpen] = useState<string | null>(null);
  const detail = useLoad(() => (open ? api<PushDetail>(`pushes/${open}`) : Promise.resolve(undefined)), [open]);
  return (
    <Card title="资源推送与采用情况">
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items}
        scroll={{ x: 640 }}
        locale={{ emptyText: '暂无推送（在资源页或资源包中推送）' }}
        columns={[
          { title: '标题', render: (_, p) => <ActionLink onClick={() => setOpen(p.id)}>{p.title}</ActionLink> },
          { title: '推送时间', render: (_, p) => shanghai(p.pushedAt) },
          { title: '学校数', dataIndex: 'schoolCount' },
          { title: '打开率', render: (_, p) => <Progress size="small" aria-label="打开率" percent={pct(p.adoption.openRate)} /> },
          { title: '下载率', render: (_, p) => <Progress size="small" aria-label="下载率" percent={pct(p.adoption.downloadRate)} /> },
          { title: '', render: (_, p) => p.flagged && <Tag color="red">有学校逾期未打开</Tag> },
        ]}
      />
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={Math.min(720, window.innerWidth)} title={detail.data?.title ?? '推送详情'}>
        {!detail.data ? (
          <Skeleton active />
        ) : (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph>{detail.data.message}</Typography.Paragraph>
            <Typography.Text>资源：{detail.data.resources.map((r) => r.title).join('、')}</Typography.Text>
            <Table
              size="small"
              rowKey="schoolId"
              pagination={false}
              dataSource={detail.data.receipts}
              scroll={{ x: 560 }}
              columns={[
                { title: '学校', render: (_, r) => <>{r.schoolName} {r.isWeak && <Tag>薄弱校</Tag>}</> },
                { title: '首次打开', render: (_, r) => (r.firstOpenedAt ? `${shanghai(r.firstOpenedAt)} ${r.firstOpenedBy?.name ?? ''}` : r.unopenedOverdue ? <Tag color="red">逾期未打开</Tag> : '未打开') },
                { title: '首次下载', render: (_, r) => shanghai(r.firstDownloadedAt) },
                { title: '已下载资源', dataIndex: 'downloadedResources' },
              ]}
            />
          </Space>
        )}
      </Drawer>
    </Card>
  );
}
