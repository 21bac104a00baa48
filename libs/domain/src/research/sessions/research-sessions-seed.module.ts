import { Module } from '@nestjs/common';
import { ResearchSessionsSeeder } from './research-sessions.seeder';

/** The research sessions seed step on its own (it needs only the DataSource), for `npm run seed`. */
@Module({
  providers: [ResearchSessionsSeeder],
  exports: [ResearchSessionsSeeder],
})
export class ResearchSessionsSeedModule {}
