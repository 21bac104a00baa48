import { AuditEntry } from '@app/platform';
import { Organization } from '@app/domain/organizations/organization.entity';
import { SchoolYearStats } from '@app/domain/organizations/school-year-stats.entity';
import { User } from '@app/domain/accounts/user.entity';
import { RefreshToken } from '@app/domain/accounts/refresh-token.entity';

/** Every entity of the platform, listed explicitly (no globs) so builds and migrations see the same set. */
export const ENTITIES = [AuditEntry, Organization, SchoolYearStats, User, RefreshToken];
