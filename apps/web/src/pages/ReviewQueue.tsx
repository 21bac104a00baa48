import { Card } from 'antd';
import { api } from '../api';
import { useLoad } from '../hooks';
import { ResourceList, type ResourceSummary } from '../components/ResourceList';

export default function ReviewQueue() {
  const list = useLoad(() => api<{ items: ResourceSummary[] }>('resources', { query: { status: 'pending_review', limit: 50 } }), []);
  return (
    <Card title="资源审核（待审核）">
      <ResourceList items={list.data?.items ?? []} loading={list.loading} />
    </Card>
  );
}
