import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { DomainException, loadConfig } from '@app/platform';
import { LocalStorageController, parseRangeHeader } from './local-storage.controller';
import { LocalObjectStorage } from './local.driver';
import { MinioObjectStorage } from './minio.driver';

describe('parseRangeHeader', () => {
  it.each([
    [undefined, { kind: 'none' }],
    ['bytes=5-14', { kind: 'range', start: 5, end: 14 }],
    ['bytes=5-', { kind: 'range', start: 5, end: undefined }],
    ['bytes=-100', { kind: 'range', suffix: 100 }],
    ['bytes=0-0', { kind: 'range', start: 0, end: 0 }],
    // Ignored, as RFC 9110 allows: the whole object is sent.
    ['bytes=14-5', { kind: 'none' }],
    ['bytes=0-1,5-6', { kind: 'none' }],
    ['items=0-1', { kind: 'none' }],
    ['bytes=-', { kind: 'none' }],
    ['bytes=abc', { kind: 'none' }],
  ])('%j -> %j', (header, expected) => {
    expect(parseRangeHeader(header)).toEqual(expected);
  });
});

describe('LocalStorageController', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'xz-local-ctl-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fakeReq = (url: string, extra: Partial<Request> = {}) => {
    const u = new URL(url);
    const key = u.pathname.replace(/^\/storage\/local\//, '').split('/').map(decodeURIComponent);
    return { params: { key }, query: Object.fromEntries(u.searchParams), headers: {}, method: 'PUT', ...extra } as unknown as Request;
  };
  const codeOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (err) {
      if (err instanceof DomainException) return err.code;
      throw err;
    }
    throw new Error('expected a DomainException');
  };

  it('refuses a PUT whose body a parser already read, instead of storing nothing', async () => {
    const storage = new LocalObjectStorage(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }));
    await storage.onModuleInit();
    const url = await storage.presignPut('doc.json', { expiresInSeconds: 60 });
    const controller = new LocalStorageController(storage);
    const req = fakeReq(url, { readableEnded: true } as Partial<Request>);
    expect(await codeOf(controller.upload(req, {} as Response))).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await storage.exists('doc.json')).toBe(false);
  });

  it('answers 404 when the S3 driver is configured', async () => {
    const storage = new MinioObjectStorage(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, STORAGE_DRIVER: 'minio' }));
    const controller = new LocalStorageController(storage);
    const req = fakeReq('http://x/storage/local/a.txt?op=get&expires=1&sig=00', { method: 'GET' });
    expect(await codeOf(controller.download(req, {} as Response))).toBe('ROUTE_NOT_FOUND');
    storage.onModuleDestroy();
  });
});
