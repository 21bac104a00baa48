/**
 * Unfinished multipart uploads, remembered in this browser so that one survives a reload, a closed tab or a
 * restarted PC: the parts already stored stay on the server (until UPLOAD_ABANDON_HOURS), and the user only has to
 * pick the same file again. Kept per user, since county schools share PCs. A browser cannot keep a file handle
 * across a reload, so what is kept is enough to recognise the file (name, size, last modified) and reopen its session.
 */
export interface PendingUpload {
  uploadId: string;
  resourceId: string;
  title: string;
  filename: string;
  size: number;
  lastModified: number;
  partSize: number;
  startedAt: string;
}

const storageKey = (userId: string) => `xz.pendingUploads.${userId}`;

export function listPendingUploads(userId: string): PendingUpload[] {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey(userId)) ?? '[]') as unknown;
    return Array.isArray(raw) ? raw.filter((p): p is PendingUpload => !!p && typeof p.uploadId === 'string' && typeof p.size === 'number') : [];
  } catch {
    return []; // unreadable (edited by hand, or another version's shape): nothing to resume
  }
}

function save(userId: string, uploads: PendingUpload[]): void {
  try {
    if (uploads.length) localStorage.setItem(storageKey(userId), JSON.stringify(uploads));
    else localStorage.removeItem(storageKey(userId));
  } catch {
    // Storage full or disabled (private window): resuming after a reload is then not offered, uploading still works.
  }
}

export function rememberPendingUpload(userId: string, upload: PendingUpload): void {
  save(userId, [...listPendingUploads(userId).filter((p) => p.uploadId !== upload.uploadId), upload]);
}

export function forgetPendingUpload(userId: string, uploadId: string): void {
  save(userId, listPendingUploads(userId).filter((p) => p.uploadId !== uploadId));
}

/** The same file as the one the upload started with (the server's SHA-256 check still has the last word). */
export function isSameFile(file: File, upload: PendingUpload): boolean {
  return file.name === upload.filename && file.size === upload.size && file.lastModified === upload.lastModified;
}
