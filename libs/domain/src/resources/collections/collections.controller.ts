import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { CollectionsService } from './collections.service';
import { FavouritesService } from './favourites.service';
import {
  AddCollectionItemDto,
  CollectionDetailView,
  CollectionIdParam,
  CollectionItemParam,
  CollectionPage,
  CreateCollectionDto,
  FavouritePage,
  FavouriteParam,
  ListCollectionsQuery,
  ListFavouritesQuery,
  UpdateCollectionDto,
  UpdateCollectionItemDto,
} from './collections.dto';

/** Collections (专题资源包): who sees and manages one follows the library's resource rules. */
@ApiTags('collections')
@Controller(apiPath('collections'))
export class CollectionsController {
  constructor(private readonly collections: CollectionsService) {}

  /** Collections the caller may see, newest first (published by default; `status=draft` for their own drafts). */
  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: ListCollectionsQuery): Promise<CollectionPage> {
    return this.collections.list(user, query);
  }

  /** Owned by the caller's organization. City-wide visibility is for city and county coordinators. */
  @Post()
  @Access('any')
  create(@CurrentUser() user: Principal, @Body() dto: CreateCollectionDto): Promise<CollectionDetailView> {
    return this.collections.create(user, dto);
  }

  /** With the items the caller may see, in order. */
  @Get(':id')
  @Access('any')
  get(@CurrentUser() user: Principal, @Param() { id }: CollectionIdParam): Promise<CollectionDetailView> {
    return this.collections.get(user, id);
  }

  @Patch(':id')
  @Access('any')
  update(@CurrentUser() user: Principal, @Param() { id }: CollectionIdParam, @Body() dto: UpdateCollectionDto): Promise<CollectionDetailView> {
    return this.collections.update(user, id, dto);
  }

  /** Deletes the collection (not its resources). */
  @Delete(':id')
  @Access('any')
  @HttpCode(204)
  async remove(@CurrentUser() user: Principal, @Param() { id }: CollectionIdParam): Promise<void> {
    await this.collections.remove(user, id);
  }

  /** Adds a published resource the caller may see, at `position` or at the end. */
  @Post(':id/items')
  @Access('any')
  addItem(@CurrentUser() user: Principal, @Param() { id }: CollectionIdParam, @Body() dto: AddCollectionItemDto): Promise<CollectionDetailView> {
    return this.collections.addItem(user, id, dto);
  }

  /** Changes an item's note or moves it (`position` counts every item of the collection). */
  @Patch(':id/items/:resourceId')
  @Access('any')
  updateItem(@CurrentUser() user: Principal, @Param() { id, resourceId }: CollectionItemParam, @Body() dto: UpdateCollectionItemDto): Promise<CollectionDetailView> {
    return this.collections.updateItem(user, id, resourceId, dto);
  }

  @Delete(':id/items/:resourceId')
  @Access('any')
  @HttpCode(204)
  async removeItem(@CurrentUser() user: Principal, @Param() { id, resourceId }: CollectionItemParam): Promise<void> {
    await this.collections.removeItem(user, id, resourceId);
  }
}

/** The caller's favourites (收藏). */
@ApiTags('collections')
@Controller(apiPath('favourites'))
export class FavouritesController {
  constructor(private readonly favourites: FavouritesService) {}

  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: ListFavouritesQuery): Promise<FavouritePage> {
    return this.favourites.list(user, query);
  }

  /** Idempotent. */
  @Put(':resourceId')
  @Access('any')
  add(@CurrentUser() user: Principal, @Param() { resourceId }: FavouriteParam): Promise<{ resourceId: string; favouritedAt: Date }> {
    return this.favourites.add(user, resourceId);
  }

  /** Idempotent. */
  @Delete(':resourceId')
  @Access('any')
  @HttpCode(204)
  async remove(@CurrentUser() user: Principal, @Param() { resourceId }: FavouriteParam): Promise<void> {
    await this.favourites.remove(user, resourceId);
  }
}
