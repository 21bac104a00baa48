export * from './object-storage.port';
export { StorageModule } from './storage.module';
export { LocalObjectStorage, LOCAL_STORAGE_ROUTE } from './local.driver';
export type { SignedRequest, SignedOp } from './local.driver';
export { MinioObjectStorage } from './minio.driver';
export { LocalStorageController, parseRangeHeader, resolveRange } from './local-storage.controller';
export type { RangeRequest } from './local-storage.controller';
export { MeteredStream } from './metered-stream';
export {
  contentDisposition,
  encodeKeyPath,
  normalizeEtag,
  DEFAULT_CONTENT_TYPE,
  MAX_KEY_BYTES,
  MAX_PART_NUMBER,
  MAX_PRESIGN_SECONDS,
  MAX_PUT_BYTES,
  MIN_PART_BYTES,
} from './storage.helpers';
