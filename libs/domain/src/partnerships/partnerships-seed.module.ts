import { Module } from '@nestjs/common';
import { PartnershipsSeeder } from './partnerships.seeder';

/**
 * The partnerships seed step on its own (it needs only the DataSource), so `npm run seed` can run it without the
 * http-side modules PartnershipsModule depends on (notifications).
 */
@Module({
  providers: [PartnershipsSeeder],
  exports: [PartnershipsSeeder],
})
export class PartnershipsSeedModule {}
