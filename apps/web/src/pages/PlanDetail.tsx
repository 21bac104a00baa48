import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { Button, Card, Checkbox, Descriptions, Drawer, Empty, Form, Input, List, Select, Skeleton, Space, Table, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { PaperClipOutlined } from '@ant-design/icons';
import { api, download } from '../api';
import { useAction, useLoad } from '../hooks';
import { MEASURE_STATUS, MEASURE_STATUS_COLOR, REVIEW_STATE, formatBytes, shanghai } from '../labels';
import { PLAN_STATUS, type PlanView } from './Plans';
import { ActionLink } from '../components/ActionLink';
import SpreadsheetImport from '../components/SpreadsheetImport';

interface Evidence { id: string; filename: string; size: number; downloadPath: string }
interface Measure {
  id: string;
  title: string;
  description: string | null;
  leadUnit: { name: string };
  dueDate: string;
  status: string;
  overdue: boolean;
  daysOverdue: number;
  reviewState: string;
  rejectionReason: string | null;
  evidenceCount: number;
}
interface MeasureDetail extends Measure {
  evidence: Evidence[];
  updates: { id: string; kind: string; text: string; statusTo: string | null; authorName: string; createdAt: string; evidence: Evidence[] }[];
  permissions: { comment: boolean; edit: boolean; supervise: boolean };
}
interface PlanDetailView extends PlanView {
  goals: string[];
  measures: Measure[];
  permissions: { edit: boolean; supervise: boolean };
}

export function MeasureTable({ measures, onOpen }: { measures: Measure[]; onOpen: (id: string) => void }) {
  return (
    <Table
      size="small"
      rowKey="id"
      dataSource={measures}
      pagination={false}
      scroll={{ x: 640 }}
      locale={{ emptyText: '暂无措施' }}
      columns={[
        { title: '措施', render: (_, m) => <ActionLink onClick={() => onOpen(m.id)}>{m.title}</ActionLink> },
        { title: '牵头单位', render: (_, m) => m.leadUnit.name },
        { title: '完成时限', render: (_, m) => (m.overdue ? <Tag color="red">{m.dueDate} 逾期{m.daysOverdue}天</Tag> : m.dueDate) },
        { title: '状态', render: (_, m) => <Tag color={MEASURE_STATUS_COLOR[m.status]}>{MEASURE_STATUS[m.status] ?? m.status}</Tag> },
        { title: '销号审核', render: (_, m) => REVIEW_STATE[m.reviewState] ?? m.reviewState },
        { title: '佐证', dataIndex: 'evidenceCount' },
      ]}
    />
  );
}

export function MeasureDrawer({ id, onClose, onChanged }: { id: string | null; onClose: () => void; onChanged: () => void }) {
  const m = useLoad(() => (id ? api<MeasureDetail>(`measures/${id}`) : Promise.resolve(undefined)), [id]);
  const act = useAction();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [form] = Form.useForm();
  const [reason, setReason] = useState('');
  const d = m.data;
  const submit = async (v: { text: string; status?: string; requestClose?: boolean }) => {
    const fd = new FormData();
    fd.set('text', v.text);
    if (v.status) fd.set('status', v.status);
    if (v.requestClose) fd.set('requestClose', 'true');
    for (const f of files) if (f.originFileObj) fd.append('files', f.originFileObj);
    const ok = await act.run(() => api(`measures/${id}/updates`, { method: 'POST', form: fd }), '进展已提交');
    if (ok !== undefined) {
      form.resetFields();
      setFiles([]);
      m.reload();
      onChanged();
    }
  };
  const review = async (decision: 'approve' | 'reject') => {
    const ok = await act.run(() => api(`measures/${id}/review`, { method: 'POST', json: { decision, reason: reason || undefined } }), decision === 'approve' ? '已同意销号' : '已退回');
    if (ok !== undefined) {
      m.reload();
      onChanged();
    }
  };
  return (
    <Drawer open={id !== null} onClose={onClose} width={Math.min(640, window.innerWidth)} title={d?.title ?? '措施'}>
      {!d ? (
        <Skeleton active />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Descriptions size="small" column={1}>
            <Descriptions.Item label="状态">
              <Tag color={MEASURE_STATUS_COLOR[d.status]}>{MEASURE_STATUS[d.status]}</Tag> {REVIEW_STATE[d.reviewState] !== '—' && REVIEW_STATE[d.reviewState]}
            </Descriptions.Item>
            <Descriptions.Item label="完成时限">{d.dueDate}</Descriptions.Item>
            {d.rejectionReason && <Descriptions.Item label="退回原因">{d.rejectionReason}</Descriptions.Item>}
          </Descriptions>
          {d.permissions.supervise && d.reviewState === 'pending' && (
            <Card size="small" title="销号审核">
              <Input.TextArea aria-label="审核意见" placeholder="审核意见（退回时必填）" value={reason} onChange={(e) => setReason(e.target.value)} />
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
          {d.permissions.comment && (
            <Card size="small" title="填报进展 / 上传佐证">
              <Form form={form} layout="vertical" onFinish={submit}>
                <Form.Item name="text" label="进展说明" rules={[{ required: true, message: '请填写进展说明' }]}>
                  <Input.TextArea rows={3} />
                </Form.Item>
                <Form.Item name="status" label="更新状态">
                  {/* 已完成 only comes from a coordinator's sign-off (申请销号 below), never set directly. */}
                  <Select allowClear options={Object.entries(MEASURE_STATUS).filter(([value]) => value !== 'done').map(([value, label]) => ({ value, label }))} />
                </Form.Item>
                <Form.Item label="佐证材料">
                  <Upload fileList={files} beforeUpload={() => false} onChange={({ fileList }) => setFiles(fileList)} multiple>
                    <Button>选择文件</Button>
                  </Upload>
                </Form.Item>
                <Form.Item name="requestClose" valuePropName="checked" style={{ marginBottom: 0 }}>
                  <Checkbox>申请销号</Checkbox>
                </Form.Item>
                <div style={{ marginTop: 12 }}>
                  <Button type="primary" htmlType="submit" loading={act.busy}>
                    提交
                  </Button>
                </div>
              </Form>
            </Card>
          )}
          <List
            header={<strong>进展记录</strong>}
            dataSource={d.updates}
            locale={{ emptyText: '暂无进展' }}
            renderItem={(u) => (
              <List.Item>
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Typography.Text type="secondary">
                    {u.authorName} · {shanghai(u.createdAt)} {u.statusTo && `→ ${MEASURE_STATUS[u.statusTo]}`}
                  </Typography.Text>
                  <span>{u.text}</span>
                  {u.evidence.map((e) => (
                    <ActionLink key={e.id} onClick={() => act.run(() => download(e.downloadPath, e.filename))}>
                      <PaperClipOutlined /> {e.filename}（{formatBytes(e.size)}）
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

export default function PlanDetail() {
  const { id } = useParams();
  const plan = useLoad(() => api<PlanDetailView>(`plans/${id}`), [id]);
  const [open, setOpen] = useState<string | null>(null);
  const act = useAction();
  const [form] = Form.useForm();
  if (plan.loading && !plan.data) return <Skeleton active />;
  const p = plan.data;
  if (!p) return <Empty description="未找到该方案" />;
  const add = async (v: { title: string; dueDate: string }) => {
    const ok = await act.run(() => api(`plans/${id}/measures`, { method: 'POST', json: { ...v, leadUnitId: p.school.id } }), '措施已添加');
    if (ok !== undefined) {
      form.resetFields();
      plan.reload();
    }
  };
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {p.title}
      </Typography.Title>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label="学校">{p.school.name}</Descriptions.Item>
          <Descriptions.Item label="学年">{p.term}</Descriptions.Item>
          <Descriptions.Item label="状态">{PLAN_STATUS[p.status] ?? p.status}</Descriptions.Item>
        </Descriptions>
        {p.goals.length > 0 && <Typography.Paragraph>目标：{p.goals.join('；')}</Typography.Paragraph>}
      </Card>
      <Card size="small" title={`整改措施（${p.measures.length}）`}>
        <MeasureTable measures={p.measures} onOpen={setOpen} />
      </Card>
      {p.permissions.edit && (
        <Card size="small" title="新增措施">
          <Form form={form} layout="inline" onFinish={add}>
            <Form.Item name="title" label="措施" rules={[{ required: true, message: '请填写措施' }]}>
              <Input style={{ minWidth: 220 }} />
            </Form.Item>
            <Form.Item name="dueDate" label="完成时限" rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: '格式 2027-01-31' }]}>
              <Input placeholder="2027-01-31" />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={act.busy}>
              添加
            </Button>
          </Form>
        </Card>
      )}
      {p.permissions.edit && (
        <Card size="small" title="从表格导入措施（.xlsx / .csv）">
          <Typography.Paragraph type="secondary">
            按模板每行填写一项措施（措施名称、责任单位、完成时限等）；整表校验通过后一次写入，有错误时不写入任何一行。
          </Typography.Paragraph>
          <SpreadsheetImport<{ created: number }>
            accept=".xlsx,.csv"
            uploadPath={`plans/${id}/measures/import`}
            templates={[{ label: '下载措施模板', path: '/api/v1/measures/import/template', filename: '一校一策措施导入模板.xlsx' }]}
            success={(r) => `导入成功：新增 ${r.created} 项措施`}
            onImported={plan.reload}
          />
        </Card>
      )}
      <MeasureDrawer id={open} onClose={() => setOpen(null)} onChanged={plan.reload} />
    </Space>
  );
}
