import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../../organizations/organization.entity';
import { User } from '../../accounts/user.entity';
import { Partnership } from '../../partnerships/partnership.entity';
import { PartnershipParty } from '../../partnerships/partnership-party.entity';
import { ResourcesModule } from '../resources.module';
import { CollectionsModule } from '../collections/collections.module';
import { Resource } from '../resource.entity';
import { Push } from './push.entity';
import { PushItem } from './push-item.entity';
import { PushReceipt } from './push-receipt.entity';
import { PushDownload } from './push-download.entity';
import { PushTargetsService } from './push-targets.service';
import { PushesService } from './pushes.service';
import { PushReceiptsService } from './push-receipts.service';
import { PushObligationCounter } from './push-obligation.counter';
import { PushesScheduler } from './pushes.scheduler';
import { PushesController } from './pushes.controller';

/**
 * Pushes (推送, item 9). Builds on the library core (ResourceAccessService for visibility, ResourceEvents for
 * opens and downloads), collections (PushCollections, to push a 专题资源包) and partnerships (mentor reach, the
 * "resources pushed" obligation counter).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Push, PushItem, PushReceipt, PushDownload, Resource, Organization, User, Partnership, PartnershipParty]), ResourcesModule, CollectionsModule],
  controllers: [PushesController],
  providers: [PushTargetsService, PushesService, PushReceiptsService, PushObligationCounter, PushesScheduler],
  exports: [PushesService],
})
export class PushesModule {}
