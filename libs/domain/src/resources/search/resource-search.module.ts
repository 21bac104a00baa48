import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../../organizations/organization.entity';
import { User } from '../../accounts/user.entity';
import { ResourcesModule } from '../resources.module';
import { Resource } from '../resource.entity';
import { ResourceVersion } from '../resource-version.entity';
import { Favourite } from '../collections/favourite.entity';
import { ResourceSearchDoc } from './resource-search-doc.entity';
import { ResourceSearchTerm } from './resource-search-term.entity';
import { ResourceSearchIndexer } from './resource-search.indexer';
import { ResourceSearchSubscriber } from './resource-search.subscriber';
import { ResourceSearchRepository } from './resource-search.repository';
import { ResourceSearchService } from './resource-search.service';
import { ResourceSummaries } from './resource-summaries';
import { ResourceSearchController, SearchIndexController } from './resource-search.controller';

/**
 * Search and browse of the resource library (`GET /api/v1/resources`) over an index the application keeps
 * (resource_search_docs / resource_search_terms), updated by an entity subscriber and a daily reconcile job.
 * Exports ResourceSummaries (list views) for collections and favourites.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Resource, ResourceVersion, Organization, User, Favourite, ResourceSearchDoc, ResourceSearchTerm]), ResourcesModule],
  controllers: [ResourceSearchController, SearchIndexController],
  providers: [ResourceSearchIndexer, ResourceSearchSubscriber, ResourceSearchRepository, ResourceSearchService, ResourceSummaries],
  exports: [ResourceSearchService, ResourceSummaries, ResourceSearchIndexer],
})
export class ResourceSearchModule {}
