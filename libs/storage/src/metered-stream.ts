import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/**
 * Counts and SHA-256-hashes bytes on their way to storage, and fails the stream with `onLimit()` the moment more
 * than `maxBytes` have passed, so an over-limit upload stops early instead of being stored first. Optionally keeps
 * the first `headBytes` bytes (for content-type detection). Used by uploads that stream into ObjectStorage.
 */
export class MeteredStream extends Transform {
  size = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onLimit: () => Error,
    private readonly headBytes = 0,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(this.onLimit());
      return;
    }
    this.hash.update(chunk);
    if (this.headLength < this.headBytes) {
      const take = chunk.subarray(0, this.headBytes - this.headLength);
      this.headChunks.push(Buffer.from(take));
      this.headLength += take.length;
    }
    callback(null, chunk);
  }

  /** Hex SHA-256 of everything that passed; call once, after the stream finished. */
  digest(): string {
    return this.hash.digest('hex');
  }

  /** The first `headBytes` bytes (fewer if the content was shorter). */
  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }
}
