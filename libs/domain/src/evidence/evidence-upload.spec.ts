import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainException } from '@app/platform';
import { formatBytes } from '@app/platform';
import { evidenceKey, evidenceMeter } from './evidence-upload.interceptor';

const sink = () =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

describe('evidenceMeter', () => {
  it('passes the bytes through and reports size and SHA-256', async () => {
    const chunks = [Buffer.from('一校一策'), Buffer.alloc(1000, 7), Buffer.from('佐证')];
    const meter = evidenceMeter(10_000);
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(chunks),
      meter,
      new Writable({
        write(chunk, _enc, cb) {
          out.push(chunk);
          cb();
        },
      }),
    );
    const all = Buffer.concat(chunks);
    expect(Buffer.concat(out).equals(all)).toBe(true);
    expect(meter.size).toBe(all.length);
    expect(meter.digest()).toBe(createHash('sha256').update(all).digest('hex'));
  });

  it('accepts exactly the limit and fails with EVIDENCE_TOO_LARGE one byte past it', async () => {
    await expect(pipeline(Readable.from([Buffer.alloc(600), Buffer.alloc(424)]), evidenceMeter(1024), sink())).resolves.toBeUndefined();
    const error = await pipeline(Readable.from([Buffer.alloc(600), Buffer.alloc(425)]), evidenceMeter(1024), sink()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainException);
    expect(error).toMatchObject({ code: 'EVIDENCE_TOO_LARGE', details: { maxBytes: 1024 }, message: expect.stringContaining('1 KB') });
  });
});

describe('evidence keys and sizes', () => {
  it('keys objects as evidence/<ownerId>/<uuid>', () => {
    expect(evidenceKey('m-1')).toMatch(/^evidence\/m-1\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(evidenceKey('m-1')).not.toBe(evidenceKey('m-1'));
  });

  it('formats limits for people', () => {
    expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});
