import { Link } from 'react-router-dom';
import { List, Space, Tag, Typography } from 'antd';
import { RESOURCE_STATUS, RESOURCE_TYPES, formatBytes, shanghai } from '../labels';

export interface ResourceSummary {
  id: string;
  title: string;
  description: string;
  type: string;
  subject: string;
  grade: string;
  edition: string | null;
  chapter: string | null;
  tags: string[];
  status: string;
  organizationName: string | null;
  uploaderName: string | null;
  downloadCount: number;
  filename: string | null;
  size: number | null;
  createdAt: string;
  publishedAt: string | null;
  favourited: boolean;
}

export function ResourceList({ items, loading, extra }: { items: ResourceSummary[]; loading?: boolean; extra?: (r: ResourceSummary) => React.ReactNode }) {
  return (
    <List
      loading={loading}
      dataSource={items}
      locale={{ emptyText: '暂无资源' }}
      renderItem={(r) => (
        <List.Item data-testid="resource-item" actions={extra ? [extra(r)] : undefined}>
          <List.Item.Meta
            title={
              <Space wrap>
                <Link to={`/library/${r.id}`}>{r.title}</Link>
                {r.favourited && <Tag color="gold">已收藏</Tag>}
                {r.status !== 'published' && <Tag>{RESOURCE_STATUS[r.status] ?? r.status}</Tag>}
              </Space>
            }
            description={
              <Space wrap size={4}>
                <Tag color="blue">{r.subject}</Tag>
                <Tag>{r.grade}</Tag>
                <Tag>{RESOURCE_TYPES[r.type] ?? r.type}</Tag>
                {r.edition && <Tag>{r.edition}</Tag>}
                <Typography.Text type="secondary">
                  {r.organizationName} · {formatBytes(r.size)} · 下载 {r.downloadCount} 次 · {shanghai(r.publishedAt ?? r.createdAt, false)}
                </Typography.Text>
              </Space>
            }
          />
        </List.Item>
      )}
    />
  );
}
