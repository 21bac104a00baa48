import { Controller, Get, Put, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DomainException, Public, SkipAudit } from '@app/platform';
import { ObjectStorage, type ByteRange } from './object-storage.port';
import { LOCAL_STORAGE_ROUTE, LocalObjectStorage } from './local.driver';
import { contentDisposition, DEFAULT_CONTENT_TYPE, assertContentType } from './storage.helpers';

export type RangeRequest = { kind: 'none' } | { kind: 'range'; start?: number; end?: number; suffix?: number };

/** One `bytes=` range; anything else (several ranges, other units, bad syntax) is ignored as RFC 9110 allows. */
export function parseRangeHeader(header: string | undefined): RangeRequest {
  const m = header ? /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header) : null;
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' };
  if (m[1] === '') return { kind: 'range', suffix: Number(m[2]) };
  const start = Number(m[1]);
  const end = m[2] === '' ? undefined : Number(m[2]);
  if (end !== undefined && end < start) return { kind: 'none' };
  return { kind: 'range', start, end };
}

/** Resolves a parsed Range against the size; throws RANGE_NOT_SATISFIABLE (with the size) when it cannot be met. */
export function resolveRange(range: RangeRequest, size: number): ByteRange | undefined {
  if (range.kind === 'none') return undefined;
  if (range.suffix !== undefined) {
    if (range.suffix === 0 || size === 0) throw new DomainException('RANGE_NOT_SATISFIABLE', undefined, { size });
    return { start: Math.max(0, size - range.suffix), end: size - 1 };
  }
  if ((range.start ?? 0) >= size) throw new DomainException('RANGE_NOT_SATISFIABLE', undefined, { size });
  return { start: range.start ?? 0, end: range.end };
}

/**
 * Serves the local driver's presigned URLs (`/storage/local/<key>?op=...&expires=...&sig=...`): GET with
 * Range support, PUT of a whole object or of one multipart part. The signature is the authorization, so
 * the routes are public. With the S3 driver the URLs point at S3 and these routes answer 404.
 */
@ApiExcludeController()
@Controller(LOCAL_STORAGE_ROUTE)
export class LocalStorageController {
  constructor(private readonly storage: ObjectStorage) {}

  @Public()
  @Get('*key')
  async download(@Req() req: Request, @Res() res: Response): Promise<void> {
    const storage = this.localStorage();
    const key = keyOf(req);
    const signed = storage.verifySignedRequest(key, req.query);
    if (signed.op !== 'get') throw new DomainException('SIGNED_URL_INVALID', undefined, { reason: 'OPERATION' });

    const wanted = parseRangeHeader(req.headers.range);
    let size = 0;
    const opened = await storage
      .openRead(key, (s) => {
        size = s;
        return resolveRange(wanted, s);
      })
      .catch((err) => {
        // The filter writes the JSON body; a 416 must also say how big the object is.
        if (err instanceof DomainException && err.code === 'RANGE_NOT_SATISFIABLE') res.setHeader('Content-Range', `bytes */${size}`);
        throw err;
      });
    const { stream, stat, start, end } = opened;

    res.setHeader('Content-Type', signed.contentType ?? stat.contentType ?? DEFAULT_CONTENT_TYPE);
    res.setHeader('Content-Length', String(end - start + 1));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Last-Modified', stat.lastModified.toUTCString());
    if (stat.etag) res.setHeader('ETag', `"${stat.etag}"`);
    if (signed.filename !== undefined) res.setHeader('Content-Disposition', contentDisposition(signed.filename));
    // Objects are user uploads served from the api's own origin: never sniff them into HTML, never run them.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    if (wanted.kind === 'range') {
      res.status(206).setHeader('Content-Range', `bytes ${start}-${end}/${stat.size}`);
    } else {
      res.status(200);
    }
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
      return;
    }
    try {
      await pipeline(stream, res);
    } catch {
      // The client went away mid-download; nothing left to tell it.
      stream.destroy();
    }
  }

  @Public()
  @SkipAudit()
  @Put('*key')
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    const storage = this.localStorage();
    const key = keyOf(req);
    const signed = storage.verifySignedRequest(key, req.query);
    if (signed.op === 'get') throw new DomainException('SIGNED_URL_INVALID', undefined, { reason: 'OPERATION' });
    // A body parser that ran first (e.g. JSON for Content-Type: application/json) would have eaten the bytes.
    if (req.readableEnded) {
      throw new DomainException('UNSUPPORTED_MEDIA_TYPE', '上传内容已被服务器提前读取，请检查服务器的请求体解析配置', { reason: 'BODY_ALREADY_READ' });
    }
    const size = contentLength(req);

    let etag: string;
    if (signed.op === 'part') {
      if (signed.uploadId === undefined || signed.partNumber === undefined) {
        throw new DomainException('SIGNED_URL_INVALID', undefined, { reason: 'MALFORMED' });
      }
      etag = (await storage.putPart(key, signed.uploadId, signed.partNumber, req, size)).etag;
    } else {
      const sent = headerContentType(req);
      etag = (await storage.put(key, req, { size, contentType: signed.contentType ?? sent })).etag;
    }
    // Browser uploaders (Uppy's S3 plugin) read the part's ETag, which CORS hides unless exposed.
    res.setHeader('ETag', `"${etag}"`);
    res.setHeader('Access-Control-Expose-Headers', 'ETag');
    res.status(200).end();
  }

  private localStorage(): LocalObjectStorage {
    if (!(this.storage instanceof LocalObjectStorage)) throw new DomainException('ROUTE_NOT_FOUND');
    return this.storage;
  }
}

/** The object key: the wildcard's decoded segments (Express 5 gives an array) joined by `/`. */
function keyOf(req: Request): string {
  const raw = (req.params as Record<string, string | string[] | undefined>).key;
  const key = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
  if (!key) throw new DomainException('OBJECT_NOT_FOUND');
  return key;
}

function contentLength(req: Request): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const size = Number(header);
  if (!Number.isSafeInteger(size) || size < 0) throw new DomainException('BAD_REQUEST', '请求头 Content-Length 无效', { reason: 'CONTENT_LENGTH' });
  return size;
}

/** The uploader's Content-Type when it is a well-formed one; otherwise the default. */
function headerContentType(req: Request): string | undefined {
  const sent = req.headers['content-type'];
  if (!sent) return undefined;
  try {
    assertContentType(sent);
    return sent;
  } catch {
    return undefined;
  }
}
