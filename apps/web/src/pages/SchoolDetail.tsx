import { useParams } from 'react-router-dom';
import { Card, Descriptions, Empty, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { api } from '../api';
import { useLoad } from '../hooks';
import { DESIGNATION, LOCALITY, type Org } from './Schools';

interface Stats { year: number; students: number; classes: number; teachers: number; largestClass: number; perStudentFunding: number; newEntryLargestClass: number | null; researchers: number | null; notes: string | null }

export default function SchoolDetail() {
  const { id } = useParams();
  const org = useLoad(() => api<Org>(`organizations/${id}`), [id]);
  const stats = useLoad(() => api<{ items: Stats[] }>(`organizations/${id}/stats`), [id]);
  if (org.loading && !org.data) return <Skeleton active />;
  const o = org.data;
  if (!o) return <Empty description="未找到该学校" />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {o.name} {o.isWeak && <Tag color="orange">薄弱学校</Tag>}
      </Typography.Title>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label="县区">{o.countyName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="学校代码">{o.code ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="办学层次">{DESIGNATION[o.designation ?? 'none'] ?? o.designation}</Descriptions.Item>
          <Descriptions.Item label="所在地">{LOCALITY[o.locality ?? ''] ?? '—'} · {o.location ?? ''}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title="历年办学数据">
        <Table
          size="small"
          rowKey="year"
          loading={stats.loading}
          dataSource={stats.data?.items}
          pagination={false}
          scroll={{ x: 720 }}
          locale={{ emptyText: '暂无数据' }}
          columns={[
            { title: '学年', render: (_, s) => `${s.year}-${s.year + 1}` },
            { title: '在校生', dataIndex: 'students' },
            { title: '班级数', dataIndex: 'classes' },
            { title: '专任教师', dataIndex: 'teachers' },
            { title: '师生比', render: (_, s) => (s.teachers ? `1:${(s.students / s.teachers).toFixed(1)}` : '—') },
            { title: '最大班额', dataIndex: 'largestClass' },
            { title: '生均公用经费（元）', dataIndex: 'perStudentFunding' },
            { title: '教研员', render: (_, s) => s.researchers ?? '—' },
          ]}
        />
      </Card>
    </Space>
  );
}
