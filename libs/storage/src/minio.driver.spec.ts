import { loadConfig } from '@app/platform';
import { MinioObjectStorage } from './minio.driver';

const base = { DATA_DIR: '/tmp', JWT_SECRET: 'x'.repeat(32), STORAGE_DRIVER: 'minio', S3_ENDPOINT: 'http://minio:9000', S3_BUCKET: 'xianzhong' };

describe('MinioObjectStorage presigned URLs', () => {
  it('signs for S3_PUBLIC_ENDPOINT when browsers reach the store at another address than the api', async () => {
    const storage = new MinioObjectStorage(loadConfig({ ...base, S3_PUBLIC_ENDPOINT: 'https://files.example.cn' }));
    try {
      const get = new URL(await storage.presignGet('resources/a.pdf', { expiresInSeconds: 60 }));
      expect(get.origin).toBe('https://files.example.cn');
      expect(get.pathname).toBe('/xianzhong/resources/a.pdf');
      expect(get.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
      const part = new URL(await storage.presignPart('resources/b.mp4', 'upload-1', 2, 60));
      expect(part.origin).toBe('https://files.example.cn');
      expect(part.searchParams.get('partNumber')).toBe('2');
      expect(new URL(await storage.presignPut('resources/c.txt', { expiresInSeconds: 60 })).origin).toBe('https://files.example.cn');
    } finally {
      storage.onModuleDestroy();
    }
  });

  it('signs for S3_ENDPOINT by default', async () => {
    const storage = new MinioObjectStorage(loadConfig(base));
    try {
      expect(new URL(await storage.presignGet('resources/a.pdf', { expiresInSeconds: 60 })).origin).toBe('http://minio:9000');
    } finally {
      storage.onModuleDestroy();
    }
  });

  it('rejects a public endpoint that is not an http(s) URL', () => {
    expect(() => loadConfig({ ...base, S3_PUBLIC_ENDPOINT: 'files.example.cn' })).toThrow(/S3_PUBLIC_ENDPOINT/);
  });
});
