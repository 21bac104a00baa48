import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../organizations/organization.entity';
import { User } from '../accounts/user.entity';
import { PartnershipParty } from '../partnerships/partnership-party.entity';
import { Resource } from './resource.entity';
import { ResourceVersion } from './resource-version.entity';
import { StoredObject } from './stored-object.entity';
import { UploadSession } from './upload-session.entity';
import { ResourceDownloadCount } from './resource-download-count.entity';
import { ResourceQuota } from './resource-quota.entity';
import { ResourceAccessService } from './resource-access.service';
import { ResourceEvents } from './resource-events';
import { ResourceNotifier } from './resource-notifier';
import { ResourcesService } from './resources.service';
import { ResourceUploadsService } from './resource-uploads.service';
import { ResourceProcessingService } from './resource-processing.service';
import { ResourceDownloadsService } from './resource-downloads.service';
import { ResourceQuotasService } from './resource-quotas.service';
import { ResourceMaintenanceService } from './resource-maintenance.service';
import { ResourcesController } from './resources.controller';
import { UploadsController } from './uploads.controller';
import { ResourceMaintenanceController, ResourceQuotasController } from './resource-admin.controller';

/**
 * The city teaching-resource library core: resources, versions, stored objects, uploads, processing, review,
 * download, quotas and cleanup. Exports ResourceAccessService (the one place visibility is decided) and
 * ResourceEvents (download / view hooks) for search, collections and pushes.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Resource, ResourceVersion, StoredObject, UploadSession, ResourceDownloadCount, ResourceQuota, Organization, User, PartnershipParty])],
  controllers: [ResourcesController, UploadsController, ResourceQuotasController, ResourceMaintenanceController],
  providers: [
    ResourceAccessService,
    ResourceEvents,
    ResourceNotifier,
    ResourcesService,
    ResourceUploadsService,
    ResourceProcessingService,
    ResourceDownloadsService,
    ResourceQuotasService,
    ResourceMaintenanceService,
  ],
  exports: [ResourceAccessService, ResourceEvents, ResourcesService, ResourceQuotasService, TypeOrmModule],
})
export class ResourcesModule {}
