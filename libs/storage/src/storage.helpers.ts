import { DomainException } from '@app/platform';
import type { ByteRange } from './object-storage.port';

/** Limits shared by both drivers; the S3 ones are S3's own, so the local driver cannot accept more. */
export const MAX_KEY_BYTES = 1024;
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;
export const MAX_PUT_BYTES = 5 * 1024 * 1024 * 1024;
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** Top-level names the local driver keeps its own state under. */
export const RESERVED_ROOTS: ReadonlySet<string> = new Set(['.multipart', '.meta', '.tmp']);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTENT_TYPE = /^[a-zA-Z0-9!#$&^_.+-]{1,64}\/[a-zA-Z0-9!#$&^_.+-]{1,64}(\s*;\s*[\x20-\x7e]{1,128})?$/;
/** In `u` mode a surrogate only matches when unpaired, i.e. text that cannot be encoded as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const META_KEY = /^[a-z0-9][a-z0-9-]{0,63}$/;
const RESERVED_META = new Set(['content-type', 'cache-control', 'content-encoding', 'content-disposition', 'content-language', 'if-match', 'if-none-match']);

function invalid(message: string, details: Record<string, unknown>): DomainException {
  return new DomainException('BAD_REQUEST', message, details);
}

/** Throws BAD_REQUEST unless `key` follows the key rules of ObjectStorage (which also rule out path traversal). */
export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw invalid('文件路径无效', { reason: 'KEY_LENGTH', key });
  }
  if (CONTROL.test(key) || key.includes('\\')) throw invalid('文件路径无效', { reason: 'KEY_CHARACTERS', key });
  const segments = key.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) throw invalid('文件路径无效', { reason: 'KEY_SEGMENTS', key });
  if (RESERVED_ROOTS.has(segments[0])) throw invalid('文件路径无效', { reason: 'KEY_RESERVED', key });
  // Lone surrogates cannot round-trip through UTF-8 (file names, URLs, S3).
  if (LONE_SURROGATE.test(key)) throw invalid('文件路径无效', { reason: 'KEY_CHARACTERS', key });
}

export function assertValidPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || Buffer.byteLength(prefix, 'utf8') > MAX_KEY_BYTES || CONTROL.test(prefix) || LONE_SURROGATE.test(prefix)) {
    throw invalid('文件路径前缀无效', { reason: 'PREFIX_INVALID', prefix });
  }
}

export function assertExpiry(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
    throw invalid('链接有效期无效', { reason: 'EXPIRY_INVALID', expiresInSeconds: seconds, max: MAX_PRESIGN_SECONDS });
  }
}

export function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new DomainException('UPLOAD_PART_INVALID', undefined, { reason: 'PART_NUMBER', partNumber });
  }
}

export function assertContentType(contentType: string | undefined): void {
  if (contentType !== undefined && !CONTENT_TYPE.test(contentType)) {
    throw invalid('文件类型无效', { reason: 'CONTENT_TYPE_INVALID', contentType });
  }
}

/** Returns lower-cased metadata, or throws BAD_REQUEST; the same rules on both drivers. */
export function normalizeMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rawKey, value] of Object.entries(metadata ?? {})) {
    const key = rawKey.toLowerCase();
    if (!META_KEY.test(key) || key.startsWith('x-amz-') || RESERVED_META.has(key)) {
      throw invalid('文件附加信息无效', { reason: 'METADATA_KEY', key: rawKey });
    }
    if (typeof value !== 'string' || !/^[\x20-\x7e]{0,1024}$/.test(value)) {
      throw invalid('文件附加信息无效（只能包含 ASCII 字符）', { reason: 'METADATA_VALUE', key: rawKey });
    }
    out[key] = value;
  }
  return out;
}

export function assertRange(range: ByteRange | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0 || (end !== undefined && (!Number.isSafeInteger(end) || end < start))) {
    throw new DomainException('RANGE_NOT_SATISFIABLE', undefined, { start, end });
  }
}

/** S3 etags arrive quoted in headers and unquoted elsewhere; compare them bare. */
export function normalizeEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"+|"+$/g, '');
}

/** A key as a URL path: each segment percent-encoded, `/` kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/**
 * `attachment` with an ASCII fallback and the RFC 5987 `filename*=UTF-8''...` form browsers use for
 * non-ASCII (Chinese) names: the one builder of Content-Disposition for downloads, exports and templates. The
 * fallback is `asciiFallback` when given (e.g. `supervision-report.xlsx` for 督导报告.xlsx), else the name with
 * non-ASCII characters replaced. Control characters and path separators are dropped so the header is safe;
 * attr-char excludes ' ( ) *, which encodeURIComponent leaves alone, so those are escaped too.
 */
export function contentDisposition(filename: string, asciiFallback?: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = filename.replace(/[\u0000-\u001f\u007f]/g, '').replace(/[/\\]/g, '_').trim().slice(0, 255).replace(new RegExp(LONE_SURROGATE, 'gu'), '_') || 'download';
  const fallback = (asciiFallback ?? clean).replace(/[^\x20-\x7e]/g, '_').replace(/["%;\\]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
