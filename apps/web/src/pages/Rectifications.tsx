import { useState } from 'react';
import { Button, Card, Drawer, Form, Input, List, Select, Skeleton, Space, Table, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import { api, download, type Page } from '../api';
import { useAction, useLoad } from '../hooks';
import { RECT_STATUS, formatBytes, shanghai } from '../labels';
import { useAuth } from '../auth';
import { ActionLink } from '../components/ActionLink';

interface FileView { id: string; filename: string; size: number; downloadPath: string }
interface Rect {
  id: string;
  organizationName: string | null;
  countyName: string | null;
  title: string;
  reason: string;
  deadline: string;
  status: string;
  overdue: boolean;
  daysOverdue: number;
  rejectionReason: string | null;
}
interface RectDetail extends Rect {
  events: { id: string; kind: string; statusTo: string; note: string | null; actorName: string | null; files: FileView[]; createdAt: string }[];
  permissions: { canSubmitEvidence: boolean; canReview: boolean };
}

export function RectificationList({ organizationId }: { organizationId?: string }) {
  const [status, setStatus] = useState<string | undefined>();
  const [open, setOpen] = useState<string | null>(null);
  const list = useLoad(() => api<Page<Rect>>('rectifications', { query: { status, organizationId, limit: 100 } }), [status, organizationId]);
  return (
    <>
      <Space style={{ marginBottom: 8 }}>
        <Select
          aria-label="按状态筛选"
          allowClear
          placeholder="全部状态"
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          options={Object.entries(RECT_STATUS).map(([value, label]) => ({ value, label }))}
        />
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items}
        scroll={{ x: 640 }}
        locale={{ emptyText: '暂无整改单' }}
        columns={[
          { title: '事项', render: (_, r) => <ActionLink onClick={() => setOpen(r.id)}>{r.title}</ActionLink> },
          { title: '单位', render: (_, r) => [r.countyName, r.organizationName].filter(Boolean).join(' · ') },
          { title: '整改期限', render: (_, r) => (r.overdue ? <Tag color="red">{r.deadline} 逾期{r.daysOverdue}天</Tag> : r.deadline) },
          { title: '状态', render: (_, r) => <Tag color={r.status === 'closed' ? 'green' : r.status === 'submitted' ? 'blue' : 'orange'}>{RECT_STATUS[r.status] ?? r.status}</Tag> },
        ]}
      />
      <RectDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />
    </>
  );
}

function RectDrawer({ id, onClose, onChanged }: { id: string | null; onClose: () => void; onChanged: () => void }) {
  const r = useLoad(() => (id ? api<RectDetail>(`rectifications/${id}`) : Promise.resolve(undefined)), [id]);
  const act = useAction();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const d = r.data;
  const done = () => {
    r.reload();
    onChanged();
  };
  const submit = async () => {
    const fd = new FormData();
    fd.set('text', text);
    for (const f of files) if (f.originFileObj) fd.append('files', f.originFileObj);
    if ((await act.run(() => api(`rectifications/${id}/evidence`, { method: 'POST', form: fd }), '整改材料已提交')) !== undefined) {
      setText('');
      setFiles([]);
      done();
    }
  };
  const review = async (decision: 'approve' | 'reject') => {
    if ((await act.run(() => api(`rectifications/${id}/review`, { method: 'POST', json: { decision, reason: reason || undefined } }), decision === 'approve' ? '已销号' : '已退回')) !== undefined) done();
  };
  return (
    <Drawer open={id !== null} onClose={onClose} width={Math.min(600, window.innerWidth)} title={d?.title ?? '整改单'}>
      {!d ? (
        <Skeleton active />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph>
            {d.organizationName} · 期限 {d.deadline} · {RECT_STATUS[d.status]}
          </Typography.Paragraph>
          <Typography.Paragraph>整改原因：{d.reason}</Typography.Paragraph>
          {d.rejectionReason && <Typography.Paragraph type="danger">退回原因：{d.rejectionReason}</Typography.Paragraph>}
          {d.permissions.canSubmitEvidence && d.status !== 'closed' && (
            <Card size="small" title="提交整改材料">
              <Input.TextArea aria-label="整改情况说明" placeholder="整改情况说明" value={text} onChange={(e) => setText(e.target.value)} />
              <Upload fileList={files} beforeUpload={() => false} onChange={({ fileList }) => setFiles(fileList)} multiple>
                <Button style={{ marginTop: 8 }}>选择佐证文件</Button>
              </Upload>
              <Button type="primary" style={{ marginTop: 8 }} disabled={!text.trim()} loading={act.busy} onClick={submit}>
                提交
              </Button>
            </Card>
          )}
          {d.permissions.canReview && d.status === 'submitted' && (
            <Card size="small" title="审核">
              <Input.TextArea aria-label="审核意见" placeholder="审核意见（退回时填写）" value={reason} onChange={(e) => setReason(e.target.value)} />
              <Space style={{ marginTop: 8 }}>
                <Button type="primary" loading={act.busy} onClick={() => review('approve')}>
                  同意销号
                </Button>
                <Button danger loading={act.busy} onClick={() => review('reject')}>
                  退回
                </Button>
              </Space>
            </Card>
          )}
          <List
            header={<strong>处理记录</strong>}
            dataSource={d.events}
            renderItem={(e) => (
              <List.Item>
                <Space direction="vertical" size={2}>
                  <Typography.Text type="secondary">
                    {shanghai(e.createdAt)} · {e.actorName ?? '督导系统'} → {RECT_STATUS[e.statusTo] ?? e.statusTo}
                  </Typography.Text>
                  {e.note && <span>{e.note}</span>}
                  {e.files.map((f) => (
                    <ActionLink key={f.id} onClick={() => act.run(() => download(f.downloadPath, f.filename))}>
                      <PaperClipOutlined /> {f.filename}（{formatBytes(f.size)}）
                    </ActionLink>
                  ))}
                </Space>
              </List.Item>
            )}
          />
        </Space>
      )}
    </Drawer>
  );
}

/** A coordinator issues a 限期整改 order to a school in their area. */
function NewRectification({ onCreated }: { onCreated: () => void }) {
  const { user } = useAuth();
  const act = useAction();
  const [form] = Form.useForm();
  const schools = useLoad(() => api<Page<{ id: string; name: string; countyName: string }>>('organizations', { query: { kind: 'school', countyId: user?.county?.id, limit: 100 } }), []);
  const submit = async (v: { organizationId: string; title: string; reason: string; deadline: string }) => {
    if ((await act.run(() => api('rectifications', { method: 'POST', json: v }), '整改单已下发')) !== undefined) {
      form.resetFields();
      onCreated();
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} style={{ maxWidth: 640 }}>
      <Space wrap>
        <Form.Item name="organizationId" label="学校" rules={[{ required: true, message: '请选择学校' }]}>
          <Select showSearch optionFilterProp="label" style={{ width: 220 }} loading={schools.loading} options={schools.data?.items.map((o) => ({ value: o.id, label: `${o.countyName} · ${o.name}` }))} />
        </Form.Item>
        <Form.Item name="deadline" label="整改期限" rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: '格式 2026-12-31' }]}>
          <Input placeholder="2026-12-31" style={{ width: 140 }} />
        </Form.Item>
      </Space>
      <Form.Item name="title" label="整改事项" rules={[{ required: true, message: '请填写整改事项' }]}>
        <Input />
      </Form.Item>
      <Form.Item name="reason" label="整改原因" rules={[{ required: true, message: '请填写整改原因' }]}>
        <Input.TextArea rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={act.busy}>
        下发整改单
      </Button>
    </Form>
  );
}

export default function Rectifications() {
  const { user } = useAuth();
  const [key, setKey] = useState(0);
  const coordinator = user?.role === 'city_admin' || user?.role === 'county_admin';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title="督导整改（限期整改单）">
        <RectificationList key={key} />
      </Card>
      {coordinator && (
        <Card size="small" title="下发限期整改单">
          <NewRectification onCreated={() => setKey((k) => k + 1)} />
        </Card>
      )}
    </Space>
  );
}
