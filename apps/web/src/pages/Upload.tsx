import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, App, Button, Card, Form, Input, List, Progress, Select, Space, Typography, Upload as AntUpload } from 'antd';
import Uppy from '@uppy/core';
import { ApiError, api } from '../api';
import { useAuth } from '../auth';
import { useAction } from '../hooks';
import { GRADES, RESOURCE_TYPES, SUBJECTS, VISIBILITY, formatBytes } from '../labels';
import { addResumedFile, cancelUploads, installMultipart, prepareResume, type ResourceResult, type UploadMeta } from '../upload/api-multipart';
import { forgetPendingUpload, isSameFile, listPendingUploads, rememberPendingUpload, type PendingUpload } from '../upload/pending-uploads';

type Phase = 'idle' | 'hashing' | 'uploading' | 'retrying' | 'failed' | 'done';

export default function UploadPage() {
  const [form] = Form.useForm();
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>('idle');
  const [percent, setPercent] = useState(0);
  const [bytes, setBytes] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [retries, setRetries] = useState(0);
  const [resourceId, setResourceId] = useState<string | null>(null);
  const act = useAction();
  const { message } = App.useApp();
  const { user } = useAuth();
  const userId = useRef<string | null>(null);
  userId.current = user?.id ?? null;
  const resumed = useRef(false);
  const lastBytes = useRef(0);
  const [pending, setPending] = useState<(PendingUpload & { storedBytes: number })[]>([]);

  const uppy = useMemo(() => {
    const u = new Uppy<UploadMeta, ResourceResult>({ autoProceed: false, allowMultipleUploadBatches: true });
    installMultipart(u, {
      // Uppy retries a failed part itself (after the link is back); the page only shows that it happened.
      onPartFailed: () => {
        setRetries((n) => n + 1);
        setPhase('retrying');
      },
      onSessionOpened: (f, session) => {
        const data = f.data as File;
        if (!userId.current) return;
        rememberPendingUpload(userId.current, {
          uploadId: session.uploadId,
          resourceId: f.meta.resourceId,
          title: f.meta.title ?? data.name,
          filename: data.name,
          size: data.size,
          lastModified: data.lastModified,
          partSize: session.partSize,
          startedAt: new Date().toISOString(),
        });
      },
    });
    return u;
  }, []);

  /** This browser's unfinished uploads that the api still holds open, with how much of each is stored. */
  const loadPending = useCallback(async () => {
    const me = userId.current;
    if (!me) return;
    const checked = await Promise.all(
      listPendingUploads(me).map(async (p) => {
        try {
          const view = await api<{ status: string; parts: { size: number }[] }>(`uploads/${p.uploadId}`);
          if (view.status === 'active') return { ...p, storedBytes: view.parts.reduce((sum, part) => sum + part.size, 0) };
        } catch (e) {
          if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) return { ...p, storedBytes: 0 }; // offline: ask again later
        }
        forgetPendingUpload(me, p.uploadId); // completed, aborted, cleaned up or not ours any more
        return null;
      }),
    );
    setPending(checked.filter((p): p is PendingUpload & { storedBytes: number } => p !== null));
  }, []);
  useEffect(() => {
    void loadPending();
  }, [user?.id, loadPending]);
  useEffect(() => {
    uppy.on('preprocess-progress', (_f, p) => {
      setPhase('hashing');
      setPercent(Math.round(((p as { value?: number }).value ?? 0) * 100));
    });
    uppy.on('upload-progress', (_f, p) => {
      if (!p.bytesTotal) return;
      // After a dropped link, "retrying" stays until bytes flow again.
      if (p.bytesUploaded > lastBytes.current || lastBytes.current === 0) setPhase('uploading');
      lastBytes.current = p.bytesUploaded;
      setBytes(p.bytesUploaded);
      setPercent(Math.floor((p.bytesUploaded / p.bytesTotal) * 100));
    });
    uppy.on('upload-error', (_f, e) => {
      setError(e.message);
      setPhase('failed');
    });
    uppy.on('upload-success', (f, res) => {
      if (f?.meta.uploadId && userId.current) forgetPendingUpload(userId.current, f.meta.uploadId);
      if (res?.body?.resourceId) setResourceId(res.body.resourceId);
      setPercent(100);
      setPhase('done');
    });
    return () => uppy.destroy();
  }, [uppy]);

  const start = async () => {
    if (!file) return;
    const v = await form.validateFields();
    setError(null);
    setRetries(0);
    lastBytes.current = 0;
    const created = await act.run(() =>
      api<{ id: string }>('resources', {
        method: 'POST',
        json: { ...v, tags: v.tags ? String(v.tags).split(/[,，\s]+/).filter(Boolean) : undefined },
      }),
    );
    if (!created) return;
    setResourceId(created.id);
    dropUnfinished();
    uppy.addFile({ name: file.name, type: file.type, data: file, meta: { resourceId: created.id, title: v.title } });
    setPhase('hashing');
    await uppy.upload();
  };
  /** A new upload replaces the one on the page: its session is dropped on the api and forgotten here. */
  const dropUnfinished = () => {
    for (const f of uppy.getFiles()) if (f.meta.uploadId && !f.progress.uploadComplete && userId.current) forgetPendingUpload(userId.current, f.meta.uploadId);
    cancelUploads(uppy);
  };
  /** Continues an upload started before a reload: the user picks the same file, only the missing parts are sent. */
  const resumeWith = async (p: PendingUpload, picked: File) => {
    if (!isSameFile(picked, p)) {
      message.error(`请选择原来的文件：${p.filename}（${formatBytes(p.size)}）`);
      return;
    }
    dropUnfinished();
    setPending((list) => list.filter((x) => x.uploadId !== p.uploadId));
    setFile(picked);
    setResourceId(p.resourceId);
    setError(null);
    setRetries(0);
    lastBytes.current = 0;
    setPhase('uploading');
    addResumedFile(uppy, picked, p);
    await uppy.upload();
  };
  const abandon = async (p: PendingUpload) => {
    const done = await act.run(() => api(`uploads/${p.uploadId}`, { method: 'DELETE' }).then(() => true), '已放弃该上传');
    if (done && userId.current) forgetPendingUpload(userId.current, p.uploadId);
    await loadPending();
  };
  const resume = async () => {
    resumed.current = true;
    setError(null);
    setPhase('uploading');
    for (const f of uppy.getFiles()) prepareResume(uppy, f.id);
    await uppy.retryAll();
  };

  const busy = phase === 'hashing' || phase === 'uploading' || phase === 'retrying';
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {pending.length > 0 && !busy && (
        <Card title="未完成的上传" size="small" data-testid="pending-uploads">
          <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
            已上传的分片保存在服务器上。重新选择同一个文件即可从中断处继续，只传剩余部分。
          </Typography.Paragraph>
          <List
            dataSource={pending}
            renderItem={(p) => (
              <List.Item
                actions={[
                  <AntUpload
                    key="pick"
                    beforeUpload={(f) => {
                      void resumeWith(p, f);
                      return false;
                    }}
                    maxCount={1}
                    showUploadList={false}
                  >
                    <Button type="primary" size="small">
                      选择原文件继续
                    </Button>
                  </AntUpload>,
                  <Button key="abandon" size="small" danger onClick={() => abandon(p)}>
                    放弃
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={p.title}
                  description={`${p.filename}（${formatBytes(p.size)}），已上传 ${Math.floor((p.storedBytes / p.size) * 100)}%`}
                />
              </List.Item>
            )}
          />
        </Card>
      )}
      <Card title="上传教学资源">
        <Form form={form} layout="vertical" initialValues={{ visibility: 'city', type: 'courseware' }} disabled={busy} style={{ maxWidth: 640 }}>
          <Form.Item name="title" label="标题" rules={[{ required: true, message: '请填写标题' }]}>
            <Input />
          </Form.Item>
          <Space wrap>
            <Form.Item name="subject" label="学科" rules={[{ required: true, message: '请选择学科' }]}>
              <Select style={{ width: 140 }} options={SUBJECTS.map((s) => ({ value: s, label: s }))} />
            </Form.Item>
            <Form.Item name="grade" label="年级" rules={[{ required: true, message: '请选择年级' }]}>
              <Select style={{ width: 100 }} options={GRADES.map((s) => ({ value: s, label: s }))} />
            </Form.Item>
            <Form.Item name="type" label="类型">
              <Select style={{ width: 110 }} options={Object.entries(RESOURCE_TYPES).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
            <Form.Item name="visibility" label="共享范围">
              <Select style={{ width: 130 }} options={Object.entries(VISIBILITY).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Space>
          <Space wrap>
            <Form.Item name="edition" label="教材版本">
              <Input placeholder="如：人教A版" />
            </Form.Item>
            <Form.Item name="chapter" label="章节">
              <Input />
            </Form.Item>
          </Space>
          <Form.Item name="tags" label="标签（以逗号分隔）">
            <Input />
          </Form.Item>
          <Form.Item name="description" label="简介">
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item label="文件" required>
            <AntUpload
              beforeUpload={(f) => {
                setFile(f);
                return false;
              }}
              maxCount={1}
              showUploadList={false}
            >
              <Button>选择文件</Button>
            </AntUpload>
            {file && (
              <Typography.Text style={{ marginLeft: 8 }} data-testid="chosen-file">
                {file.name}（{formatBytes(file.size)}）
              </Typography.Text>
            )}
          </Form.Item>
        </Form>
        <Space direction="vertical" style={{ width: '100%', maxWidth: 640 }}>
          <Button type="primary" onClick={start} disabled={!file || busy} loading={act.busy || busy}>
            开始上传
          </Button>
          {phase !== 'idle' && (
            <div data-testid="upload-progress" data-phase={phase} data-percent={percent} data-retries={retries}>
              <Progress percent={percent} status={phase === 'failed' ? 'exception' : phase === 'done' ? 'success' : 'active'} />
              <Typography.Text type="secondary">
                {phase === 'hashing' && '正在计算文件校验值…'}
                {phase === 'uploading' && `已上传 ${formatBytes(bytes)} / ${formatBytes(file?.size)}`}
                {phase === 'retrying' && '网络中断，正在重试（已传完的分片不会重传）…'}
                {phase === 'done' && `上传完成${retries ? `（中途断网 ${retries} 次，已自动续传）` : ''}，文件校验后进入审核。`}
              </Typography.Text>
            </div>
          )}
          {phase === 'failed' && (
            <Alert
              type="error"
              showIcon
              message={`上传中断：${error ?? ''}`}
              description="已上传的分片已保存，恢复网络后点击“继续上传”只传剩余部分。"
              action={
                <Button size="small" type="primary" onClick={resume}>
                  继续上传
                </Button>
              }
            />
          )}
          {phase === 'done' && resourceId && <Link to={`/library/${resourceId}`}>查看资源</Link>}
        </Space>
      </Card>
    </Space>
  );
}
