import type Uppy from '@uppy/core';
import type { Body, Meta, UppyFile } from '@uppy/core';
import AwsS3Multipart, { type AwsS3Part } from '@uppy/aws-s3';
import { api } from '../api';
import { sha256File } from './sha256';

// Glue between @uppy/aws-s3's multipart uploader (v5 custom-callback API) and our api, which keeps the S3 steps
// behind its own endpoints (quota, hash check, processing). A pre-processor hashes the file and opens the session
// (POST /resources/:id/uploads needs the SHA-256 and decides the part size); the plugin then drives listParts ->
// GET /uploads/:id, signPart -> POST /uploads/:id/parts/:n, complete -> POST /uploads/:id/complete.

export interface UploadMeta extends Meta {
  resourceId: string;
  uploadId?: string;
  /** The resource's title, to name the upload in the list of unfinished ones. */
  title?: string;
}

export interface ResourceResult extends Body {
  location?: string;
  resourceId?: string;
  status?: string;
}

interface UploadView {
  uploadId: string;
  partSize: number;
  partCount: number;
  parts: { partNumber: number; size: number; etag: string }[];
}

export interface MultipartHooks {
  /** A part PUT failed (dropped link, offline): Uppy retries it by itself after this. */
  onPartFailed?: () => void;
  /** The api opened the upload session for this file (the moment from which it can be resumed after a reload). */
  onSessionOpened?: (file: { data: unknown; meta: UploadMeta }, session: { uploadId: string; partSize: number }) => void;
}

// Uppy cuts the file before createMultipartUpload runs, so the api's part size (known after the pre-processor
// opened the session) is looked up by the file's data.
const partSizes = new WeakMap<object, number>();
// Uppy aborts the multipart upload when a part gives up; the stored parts must survive that for 继续上传, so the
// api's DELETE is sent only for an explicit cancel (the api also aborts sessions idle for UPLOAD_ABANDON_HOURS).
const cancelling = new WeakSet<object>();

/** Retries after 0 s, 1 s, 3 s, 5 s, 10 s, 15 s (and while offline Uppy waits for the 'online' event). */
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 15000];

export function installMultipart<M extends UploadMeta, B extends ResourceResult>(uppy: Uppy<M, B>, hooks: MultipartHooks = {}): void {
  uppy.addPreProcessor(async (fileIDs) => {
    for (const id of fileIDs) {
      const file = uppy.getFile(id);
      if (file.meta.uploadId) continue; // resuming: the session is open already
      const data = file.data as Blob;
      const progress = (value: number) =>
        uppy.emit('preprocess-progress', uppy.getFile(id), { mode: 'determinate', message: '正在计算文件校验值…', value });
      progress(0);
      const sha256 = await sha256File(data, progress);
      const created = await api<UploadView>(`resources/${file.meta.resourceId}/uploads`, {
        method: 'POST',
        json: { filename: file.name, size: data.size, sha256, contentType: file.type || undefined },
      });
      partSizes.set(data, created.partSize);
      uppy.setFileMeta(id, { ...uppy.getFile(id).meta, uploadId: created.uploadId });
      hooks.onSessionOpened?.(uppy.getFile(id), created);
      uppy.emit('preprocess-complete', uppy.getFile(id));
    }
  });

  const session = (file: UppyFile<M, B>) => {
    const uploadId = file.meta.uploadId;
    if (!uploadId) throw new Error('上传会话尚未建立');
    return uploadId;
  };

  uppy.use(AwsS3Multipart<M, B>, {
    shouldUseMultipart: true,
    limit: 2,
    retryDelays: RETRY_DELAYS,
    getChunkSize: (data) => partSizes.get(data) ?? data.size,
    createMultipartUpload: (file) => {
      const uploadId = session(file);
      return { uploadId, key: uploadId };
    },
    listParts: async (file) => {
      const view = await api<UploadView>(`uploads/${session(file)}`);
      return view.parts.map((p): AwsS3Part => ({ PartNumber: p.partNumber, Size: p.size, ETag: p.etag }));
    },
    signPart: async (file, { partNumber, signal }) => {
      const { url } = await api<{ url: string }>(`uploads/${session(file)}/parts/${partNumber}`, { method: 'POST', signal });
      return { method: 'PUT', url };
    },
    uploadPartBytes: async (options) => {
      try {
        return await AwsS3Multipart.uploadPartBytes(options);
      } catch (e) {
        if ((e as Error)?.name !== 'AbortError') hooks.onPartFailed?.();
        throw e;
      }
    },
    completeMultipartUpload: async (file, { parts, signal }) => {
      const body = {
        parts: parts
          .map((p) => ({ partNumber: p.PartNumber!, etag: p.ETag! }))
          .sort((a, b) => a.partNumber - b.partNumber),
      };
      const resource = await api<{ id: string; status: string }>(`uploads/${session(file)}/complete`, { method: 'POST', json: body, signal });
      const result: ResourceResult = { location: `/library/${resource.id}`, resourceId: resource.id, status: resource.status };
      return result;
    },
    abortMultipartUpload: async (file) => {
      if (!file.data || !cancelling.has(file.data)) return;
      cancelling.delete(file.data);
      await api(`uploads/${session(file)}`, { method: 'DELETE' });
    },
  });
}

/** Re-arms a failed file so Uppy resumes its open session (lists the stored parts, sends only the others). */
export function prepareResume<M extends UploadMeta, B extends ResourceResult>(uppy: Uppy<M, B>, fileId: string): void {
  const file = uppy.getFile(fileId);
  const uploadId = file?.meta.uploadId;
  if (uploadId) uppy.setFileState(fileId, { s3Multipart: { uploadId, key: uploadId } } as Partial<UppyFile<M, B>>);
}

/**
 * Adds a file whose upload session is already open (picked again after a reload): no hashing, no new session; the
 * upload lists the parts the store holds and sends only the rest. Returns Uppy's file id.
 */
export function addResumedFile<M extends UploadMeta, B extends ResourceResult>(
  uppy: Uppy<M, B>,
  file: File,
  session: { resourceId: string; uploadId: string; partSize: number },
): string {
  partSizes.set(file, session.partSize);
  const id = uppy.addFile({ name: file.name, type: file.type, data: file, meta: { resourceId: session.resourceId, uploadId: session.uploadId } as M });
  prepareResume(uppy, id);
  return id;
}

/** Cancels every upload and tells the api to drop the sessions' stored parts. */
export function cancelUploads<M extends UploadMeta, B extends ResourceResult>(uppy: Uppy<M, B>): void {
  for (const f of uppy.getFiles()) if (f.data && f.meta.uploadId && !f.progress.uploadComplete) cancelling.add(f.data);
  uppy.cancelAll();
}
