import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, Input, Select, Space, Table, Tag } from 'antd';
import { api, type Page } from '../api';
import { useDebounced, useLoad } from '../hooks';
import { isCoordinator, useAuth } from '../auth';

export interface Org { id: string; name: string; kind: string; countyId: string | null; countyName: string | null; code: string | null; locality: string | null; designation: string | null; isWeak: boolean; location: string | null }
export const DESIGNATION: Record<string, string> = {
  provincial_level1_model: '省一级示范',
  provincial_level2_model: '省二级示范',
  provincial_level1: '省一级',
  provincial_level2: '省二级',
  none: '—',
};
export const LOCALITY: Record<string, string> = { urban: '城区', county: '县城', town: '乡镇', rural: '农村' };

export default function Schools() {
  const { user } = useAuth();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [countyId, setCountyId] = useState<string>();
  const query = useDebounced(q);
  const counties = useLoad(() => api<Page<Org>>('organizations', { query: { kind: 'county', limit: 100 } }), []);
  const list = useLoad(() => api<Page<Org>>('organizations', { query: { kind: 'school', q: query, countyId, page, limit: 20 } }), [query, countyId, page]);
  return (
    <Card title="学校名录" extra={isCoordinator(user?.role) && <Link to="/schools/import">批量导入</Link>}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label="搜索学校" placeholder="学校名称" allowClear value={q} onChange={(e) => (setQ(e.target.value), setPage(1))} style={{ width: 220 }} />
        <Select
          aria-label="县区"
          placeholder="全部县区"
          allowClear
          style={{ width: 160 }}
          value={countyId}
          onChange={(v) => (setCountyId(v), setPage(1))}
          options={counties.data?.items.map((c) => ({ value: c.id, label: c.name }))}
        />
      </Space>
      <Table
        rowKey="id"
        loading={list.loading}
        dataSource={list.data?.items}
        scroll={{ x: 640 }}
        pagination={{ current: page, total: list.data?.total, pageSize: 20, onChange: setPage, showSizeChanger: false }}
        locale={{ emptyText: '暂无数据' }}
        columns={[
          { title: '学校', render: (_, o) => <Link to={`/schools/${o.id}`}>{o.name}</Link> },
          { title: '县区', dataIndex: 'countyName' },
          { title: '学校代码', dataIndex: 'code' },
          { title: '办学层次', render: (_, o) => DESIGNATION[o.designation ?? 'none'] ?? o.designation },
          { title: '', render: (_, o) => o.isWeak && <Tag color="orange">薄弱学校</Tag> },
        ]}
      />
    </Card>
  );
}
