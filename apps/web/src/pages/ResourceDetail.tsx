import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, Empty, Input, Modal, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { ApiError, api, blobUrl, download } from '../api';
import { useAction, useLoad } from '../hooks';
import { RESOURCE_STATUS, RESOURCE_TYPES, VISIBILITY, formatBytes, shanghai } from '../labels';
import { canPush, useAuth } from '../auth';
import PushDialog from '../components/PushDialog';
import type { ResourceSummary } from '../components/ResourceList';

/** The detail view: the list view's fields plus what only the detail carries. */
interface Resource extends ResourceSummary {
  visibility: string;
  rejectReason: string | null;
  contentType: string | null;
  permissions: { manage: boolean; review: boolean };
}

/** What the browser can show inline: PDF (its own viewer), images and video. */
function previewKind(type: string | null): 'pdf' | 'image' | 'video' | null {
  if (!type) return null;
  if (type === 'application/pdf') return 'pdf';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  return null;
}

export default function ResourceDetail() {
  const { id } = useParams();
  const { user } = useAuth();
  const r = useLoad(() => api<Resource>(`resources/${id}`), [id]);
  const act = useAction();
  const [preview, setPreview] = useState<string | null>(null);
  // A preview that could not load says why (the API's message) instead of showing a placeholder forever.
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [pushOpen, setPushOpen] = useState(false);
  const [collectOpen, setCollectOpen] = useState(false);
  const [reason, setReason] = useState('');
  const d = r.data;
  const kind = previewKind(d?.contentType ?? null);

  useEffect(() => {
    setPreview(null);
    setPreviewError(null);
    if (!d || !kind || !d.filename) return;
    let url: string | null = null;
    // Previews need the signed-in fetch (the download answers only with a token), so they load as a blob.
    blobUrl(`/api/v1/resources/${d.id}/download`)
      .then((u) => setPreview((url = u)))
      .catch((e) => setPreviewError(e instanceof ApiError ? e.message : '网络连接失败，预览未能加载'));
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [d?.id, d?.filename, kind]);

  if (r.loading && !d) return <Skeleton active />;
  if (!d) return <Empty description="未找到该资源" />;
  const favourited = d.favourited;
  const toggleFav = () =>
    act.run(() => api(`favourites/${d.id}`, { method: favourited ? 'DELETE' : 'PUT' }), favourited ? '已取消收藏' : '已收藏').then(r.reload);
  const review = (decision: 'approve' | 'reject') =>
    act.run(() => api(`resources/${d.id}/review`, { method: 'POST', json: { decision, reason: reason || undefined } }), decision === 'approve' ? '已通过，资源已发布' : '已退回').then(r.reload);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }} data-testid="resource-title">
        {d.title}
      </Typography.Title>
      <Space wrap>
        <Button type="primary" disabled={!d.filename} loading={act.busy} onClick={() => act.run(() => download(`/api/v1/resources/${d.id}/download`, d.filename ?? d.title), '下载完成')}>
          下载
        </Button>
        <Button onClick={toggleFav} loading={act.busy} data-testid="favourite-toggle" data-favourited={favourited}>
          {favourited ? '取消收藏' : '收藏'}
        </Button>
        <Button onClick={() => setCollectOpen(true)} disabled={d.status !== 'published'}>
          加入资源包
        </Button>
        {canPush(user?.role) && d.status === 'published' && <Button onClick={() => setPushOpen(true)}>推送到学校</Button>}
      </Space>
      {d.status !== 'published' && (
        <Alert type={d.status === 'rejected' ? 'error' : 'info'} showIcon message={`状态：${RESOURCE_STATUS[d.status] ?? d.status}`} description={d.rejectReason ?? undefined} />
      )}
      {d.permissions.review && d.status === 'pending_review' && (
        <Card size="small" title="审核">
          <Input.TextArea aria-label="审核意见" placeholder="退回时请填写原因" value={reason} onChange={(e) => setReason(e.target.value)} />
          <Space style={{ marginTop: 8 }}>
            <Button type="primary" loading={act.busy} onClick={() => review('approve')}>
              通过并发布
            </Button>
            <Button danger loading={act.busy} onClick={() => review('reject')}>
              退回
            </Button>
          </Space>
        </Card>
      )}
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label="学科">{d.subject}</Descriptions.Item>
          <Descriptions.Item label="年级">{d.grade}</Descriptions.Item>
          <Descriptions.Item label="类型">{RESOURCE_TYPES[d.type] ?? d.type}</Descriptions.Item>
          <Descriptions.Item label="教材版本">{d.edition ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="章节">{d.chapter ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="共享范围">{VISIBILITY[d.visibility] ?? d.visibility}</Descriptions.Item>
          <Descriptions.Item label="上传单位">
            {d.organizationName} · {d.uploaderName}
          </Descriptions.Item>
          <Descriptions.Item label="文件">
            {d.filename ?? '—'}（{formatBytes(d.size)}）
          </Descriptions.Item>
          <Descriptions.Item label="发布时间">{shanghai(d.publishedAt)}</Descriptions.Item>
          <Descriptions.Item label="下载次数">{d.downloadCount}</Descriptions.Item>
        </Descriptions>
        {d.description && <Typography.Paragraph>{d.description}</Typography.Paragraph>}
        <Space wrap>
          {d.tags.map((t) => (
            <Tag key={t}>{t}</Tag>
          ))}
        </Space>
      </Card>
      <Card size="small" title="预览">
        {!kind ? (
          <Empty description="该格式不支持在线预览，请下载后查看" />
        ) : previewError ? (
          <Empty description={`预览未能加载：${previewError}`} />
        ) : !preview ? (
          <Skeleton.Image active />
        ) : kind === 'pdf' ? (
          <iframe title={`预览：${d.title}`} src={preview} style={{ width: '100%', height: '70vh', border: 0 }} />
        ) : kind === 'image' ? (
          <img src={preview} alt={d.title} style={{ maxWidth: '100%' }} />
        ) : (
          <video src={preview} controls style={{ maxWidth: '100%' }} aria-label={d.title} />
        )}
      </Card>
      <PushDialog open={pushOpen} onClose={() => setPushOpen(false)} resourceIds={[d.id]} defaultTitle={d.title} />
      <CollectDialog open={collectOpen} onClose={() => setCollectOpen(false)} resourceId={d.id} />
    </Space>
  );
}

function CollectDialog({ open, onClose, resourceId }: { open: boolean; onClose: () => void; resourceId: string }) {
  const [collectionId, setCollectionId] = useState<string>();
  const act = useAction();
  const list = useLoad(
    () => (open ? api<{ items: { id: string; name: string; permissions: { manage: boolean } }[] }>('collections', { query: { limit: 50 } }) : Promise.resolve(undefined)),
    [open],
  );
  return (
    <Modal
      open={open}
      title="加入资源包"
      okText="加入"
      cancelText="取消"
      confirmLoading={act.busy}
      onCancel={onClose}
      onOk={async () => {
        if (!collectionId) return;
        if ((await act.run(() => api(`collections/${collectionId}/items`, { method: 'POST', json: { resourceId } }), '已加入资源包')) !== undefined) onClose();
      }}
    >
      <Select
        aria-label="资源包"
        style={{ width: '100%' }}
        placeholder="选择资源包（可在“收藏与资源包”中新建）"
        loading={list.loading}
        value={collectionId}
        onChange={setCollectionId}
        options={list.data?.items.filter((c) => c.permissions.manage).map((c) => ({ value: c.id, label: c.name }))}
      />
    </Modal>
  );
}
