import { Principal } from './roles';

/**
 * Organizations a principal may reach beyond their own by a relation another context owns (e.g. a mentor's
 * mentee schools through an active partnership). Optional: without a provider nobody gets extra scope.
 */
export abstract class ScopeGrants {
  abstract organizationIdsFor(principal: Principal): Promise<string[]>;
}
