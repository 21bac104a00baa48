import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Organization } from '../../organizations/organization.entity';
import { User } from '../../accounts/user.entity';
import { ResourcesModule } from '../resources.module';
import { Resource } from '../resource.entity';
import { ResourceSearchModule } from '../search/resource-search.module';
import { PushCollections } from '../pushes/push-collections.port';
import { Collection } from './collection.entity';
import { CollectionItem } from './collection-item.entity';
import { Favourite } from './favourite.entity';
import { CollectionsService } from './collections.service';
import { FavouritesService } from './favourites.service';
import { CollectionsPushAdapter } from './collections-push.adapter';
import { CollectionsController, FavouritesController } from './collections.controller';

/**
 * Collections (专题资源包) and favourites (item 8). Exports PushCollections, the port through which pushes send a
 * collection (PushesModule imports this module).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Collection, CollectionItem, Favourite, Resource, Organization, User]), ResourcesModule, ResourceSearchModule],
  controllers: [CollectionsController, FavouritesController],
  providers: [CollectionsService, FavouritesService, CollectionsPushAdapter, { provide: PushCollections, useExisting: CollectionsPushAdapter }],
  exports: [CollectionsService, FavouritesService, PushCollections],
})
export class CollectionsModule {}
