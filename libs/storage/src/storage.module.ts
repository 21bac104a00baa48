import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { ObjectStorage } from './object-storage.port';
import { LocalObjectStorage } from './local.driver';
import { MinioObjectStorage } from './minio.driver';
import { LocalStorageController } from './local-storage.controller';

/**
 * Provides ObjectStorage, driver chosen from AppConfig.STORAGE_DRIVER when the container is built (so a
 * test's `overrideProvider(AppConfig)` decides it). Global: every context can inject ObjectStorage.
 * The local URL controller is always registered and answers 404 unless the local driver is active.
 */
@Module({})
export class StorageModule {
  static forRootAsync(): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      controllers: [LocalStorageController],
      providers: [
        {
          provide: ObjectStorage,
          inject: [AppConfig],
          useFactory: (config: AppConfig): ObjectStorage =>
            config.STORAGE_DRIVER === 'minio' ? new MinioObjectStorage(config) : new LocalObjectStorage(config),
        },
      ],
      exports: [ObjectStorage],
    };
  }
}
