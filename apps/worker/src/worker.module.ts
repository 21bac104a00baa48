import { Module } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import { DatabaseModule } from '@app/database';
import { StorageModule } from '@app/storage';
import { QueueModule } from '@app/queue';
import { DomainModule } from '@app/domain';
import { loggerModule } from '../../api/src/api.module';

/**
 * The production job runner: the same domain modules as the api, without HTTP. It consumes the bull queue on
 * Redis (RUN_JOBS defaults to true here, see main.ts).
 */
@Module({
  imports: [PlatformModule, loggerModule, DatabaseModule.forRootAsync(), StorageModule.forRootAsync(), QueueModule.forRootAsync(), DomainModule],
})
export class WorkerModule {}
