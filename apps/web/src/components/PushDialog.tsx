import { useState } from 'react';
import { Form, Input, Modal, Radio, Select } from 'antd';
import { api, type Page } from '../api';
import { useAction, useLoad } from '../hooks';

interface Org { id: string; name: string; kind: string }
interface Partnership { id: string; name: string }

/** Push resources (or a collection) to schools, the weak schools, or a partnership's schools. */
export default function PushDialog({ open, onClose, resourceIds, collectionId, defaultTitle }: { open: boolean; onClose: () => void; resourceIds?: string[]; collectionId?: string; defaultTitle?: string }) {
  const [form] = Form.useForm();
  const [target, setTarget] = useState<'schools' | 'weak_schools' | 'partnership'>('weak_schools');
  const act = useAction();
  const schools = useLoad(() => (open ? api<Page<Org>>('organizations', { query: { kind: 'school', limit: 100 } }) : Promise.resolve(undefined)), [open]);
  const partnerships = useLoad(() => (open ? api<Page<Partnership>>('partnerships', { query: { limit: 100 } }) : Promise.resolve(undefined)), [open]);
  const submit = async () => {
    const v = await form.validateFields();
    const body = { resourceIds, collectionId, target, schoolIds: target === 'schools' ? v.schoolIds : undefined, partnershipId: target === 'partnership' ? v.partnershipId : undefined, title: v.title || undefined, message: v.message };
    if ((await act.run(() => api('pushes', { method: 'POST', json: body }), '已推送')) !== undefined) {
      form.resetFields();
      onClose();
    }
  };
  return (
    <Modal open={open} title="推送资源" onCancel={onClose} onOk={submit} okText="推送" cancelText="取消" confirmLoading={act.busy} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ title: defaultTitle }}>
        <Form.Item label="推送对象">
          <Radio.Group value={target} onChange={(e) => setTarget(e.target.value)}>
            <Radio value="weak_schools">薄弱学校</Radio>
            <Radio value="schools">指定学校</Radio>
            <Radio value="partnership">帮扶共同体</Radio>
          </Radio.Group>
        </Form.Item>
        {target === 'schools' && (
          <Form.Item name="schoolIds" label="学校" rules={[{ required: true, message: '请选择学校' }]}>
            <Select mode="multiple" loading={schools.loading} optionFilterProp="label" options={schools.data?.items.map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
        )}
        {target === 'partnership' && (
          <Form.Item name="partnershipId" label="帮扶共同体" rules={[{ required: true, message: '请选择帮扶共同体' }]}>
            <Select loading={partnerships.loading} options={partnerships.data?.items.map((p) => ({ value: p.id, label: p.name }))} />
          </Form.Item>
        )}
        <Form.Item name="title" label="标题">
          <Input />
        </Form.Item>
        <Form.Item name="message" label="推送说明" rules={[{ required: true, message: '请填写推送说明' }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
