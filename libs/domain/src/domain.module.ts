import { Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { SeedModule } from './seed/seed.module';

/** Every bounded context; the api serves their controllers and the worker runs their jobs. */
@Module({
  imports: [OrganizationsModule, AccountsModule, SeedModule],
  exports: [OrganizationsModule, AccountsModule, SeedModule],
})
export class DomainModule {}
