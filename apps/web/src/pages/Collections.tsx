import { useState } from 'react';
import { Button, Card, Col, Drawer, Form, Input, List, Row, Select, Skeleton, Space, Tag } from 'antd';
import { api } from '../api';
import { useAction, useLoad } from '../hooks';
import { VISIBILITY } from '../labels';
import { canPush, useAuth } from '../auth';
import { ResourceList, type ResourceSummary } from '../components/ResourceList';
import PushDialog from '../components/PushDialog';
import { ActionLink } from '../components/ActionLink';

interface Collection { id: string; name: string; description: string; visibility: string; organizationName: string | null; itemCount: number; permissions: { manage: boolean } }
interface CollectionDetail extends Collection { items: { position: number; note: string | null; resource: ResourceSummary }[] }

export default function Collections() {
  const { user } = useAuth();
  const favs = useLoad(() => api<{ items: { resource: ResourceSummary }[] }>('favourites', { query: { limit: 50 } }), []);
  const cols = useLoad(() => api<{ items: Collection[] }>('collections', { query: { limit: 50 } }), []);
  const act = useAction();
  const [form] = Form.useForm();
  const [open, setOpen] = useState<string | null>(null);
  const [push, setPush] = useState<Collection | null>(null);
  const detail = useLoad(() => (open ? api<CollectionDetail>(`collections/${open}`) : Promise.resolve(undefined)), [open]);
  const create = async (v: { name: string; description?: string; visibility: string }) => {
    if ((await act.run(() => api('collections', { method: 'POST', json: v }), '资源包已创建')) !== undefined) {
      form.resetFields();
      cols.reload();
    }
  };
  const coordinator = user?.role === 'city_admin' || user?.role === 'county_admin';
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} lg={12}>
        <Card title="我的收藏">
          <ResourceList items={favs.data?.items.map((f) => f.resource) ?? []} loading={favs.loading} />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title="资源包">
          <List
            loading={cols.loading}
            dataSource={cols.data?.items}
            locale={{ emptyText: '暂无资源包' }}
            renderItem={(c) => (
              <List.Item
                actions={[
                  <ActionLink key="o" onClick={() => setOpen(c.id)}>
                    查看
                  </ActionLink>,
                  canPush(user?.role) && (
                    <ActionLink key="p" onClick={() => setPush(c)}>
                      推送
                    </ActionLink>
                  ),
                ].filter(Boolean)}
              >
                <List.Item.Meta title={c.name} description={`${c.organizationName ?? ''} · ${c.itemCount} 项 · ${VISIBILITY[c.visibility]}`} />
              </List.Item>
            )}
          />
          <Form form={form} layout="vertical" onFinish={create} initialValues={{ visibility: 'school' }} style={{ marginTop: 12 }}>
            <Form.Item name="name" label="新建资源包" rules={[{ required: true, message: '请填写名称' }]}>
              <Input placeholder="如：高考数学二轮复习专题" />
            </Form.Item>
            <Form.Item name="visibility" label="共享范围">
              <Select options={Object.entries(VISIBILITY).filter(([k]) => coordinator || k !== 'city').map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Button htmlType="submit" loading={act.busy}>
              创建
            </Button>
          </Form>
        </Card>
      </Col>
      <Drawer open={open !== null} onClose={() => setOpen(null)} width={Math.min(600, window.innerWidth)} title={detail.data?.name ?? '资源包'}>
        {!detail.data ? (
          <Skeleton active />
        ) : (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Tag>{VISIBILITY[detail.data.visibility]}</Tag>
            {detail.data.description}
            <ResourceList items={detail.data.items.map((i) => i.resource)} />
          </Space>
        )}
      </Drawer>
      <PushDialog open={push !== null} onClose={() => setPush(null)} collectionId={push?.id} defaultTitle={push?.name} />
    </Row>
  );
}
