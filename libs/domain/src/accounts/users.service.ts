import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DomainException, isWithinScope, Page, Principal, ScopeTarget, ScopeTargetLoader, toPage } from '@app/platform';
import type { Role } from '@app/platform';
import { QueryFailedError, Repository } from 'typeorm';
import { assertCanManageAccount, assertRoleFitsOrganization } from './account-rules';
import { PasswordHasher } from './password-hasher.service';
import { RefreshTokensService } from './refresh-tokens.service';
import { User } from './user.entity';
import { toSignedInUser, toUserDto, UserWithOrganization } from './user-views';
import { ChangePasswordDto, CreateUserDto, ListUsersQuery, ResetPasswordDto, SignedInUserDto, UpdateUserDto, UserDto } from './users.dto';

export interface EnsureUserInput {
  username: string;
  name: string;
  role: Role;
  organizationId: string;
  password: string;
  phone?: string | null;
  subject?: string | null;
}

/** A phone number as typed at login ("138 0000 0000", "+86 138...") reduced to its 11 digits, or null. */
export function normalizePhone(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '');
  const match = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(compact);
  return match ? match[1] : null;
}

/** Users: creation, lookup and profile changes, with the access checks of the http routes. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly scopeLoader: ScopeTargetLoader,
    private readonly refreshTokens: RefreshTokensService,
  ) {}

  /**
   * Creates the user when the username is unknown; otherwise returns the existing user untouched (a password
   * changed since is never reset). Used by the seed, so running it twice is harmless.
   */
  async ensureUser(input: EnsureUserInput): Promise<User> {
    const username = input.username.trim().toLowerCase();
    const existing = await this.users.findOne({ where: { username } });
    if (existing) return existing;
    const user = this.users.create({
      username,
      name: input.name,
      role: input.role,
      organizationId: input.organizationId,
      phone: input.phone ?? null,
      subject: input.subject ?? null,
      passwordHash: await this.hasher.hash(input.password),
      active: true,
      lastLoginAt: null,
    });
    try {
      await this.users.insert(user);
    } catch (err) {
      // Two seeders racing (several api instances starting at once): the other one won, which is fine.
      const winner = await this.users.findOne({ where: { username } });
      if (winner) return winner;
      throw err;
    }
    return (await this.users.findOne({ where: { id: user.id } }))!;
  }

  /** The account a login names by username or phone, with its password hash, organization and county. */
  findForLogin(identifier: string): Promise<UserWithOrganization | null> {
    const qb = this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .innerJoinAndSelect('u.organization', 'o')
      .leftJoinAndSelect('o.county', 'c');
    const phone = normalizePhone(identifier);
    if (phone) qb.where('u.phone = :phone', { phone });
    else qb.where('u.username = :username', { username: identifier.trim().toLowerCase() });
    return qb.getOne() as Promise<UserWithOrganization | null>;
  }

  async recordLogin(userId: string, newPasswordHash?: string): Promise<void> {
    await this.users.update({ id: userId }, { lastLoginAt: new Date(), ...(newPasswordHash ? { passwordHash: newPasswordHash } : {}) });
  }

  /** The user with their organization and its county, or null. */
  findWithOrganization(id: string): Promise<UserWithOrganization | null> {
    return this.users.findOne({ where: { id }, relations: { organization: { county: true } } }) as Promise<UserWithOrganization | null>;
  }

  async profile(userId: string): Promise<SignedInUserDto> {
    const user = await this.findWithOrganization(userId);
    if (!user) throw new DomainException('USER_NOT_FOUND');
    return toSignedInUser(user);
  }

  async create(actor: Principal, dto: CreateUserDto): Promise<UserDto> {
    const organization = await this.loadTarget(dto.organizationId);
    assertCanManageAccount(actor, dto.role, organization);
    assertRoleFitsOrganization(dto.role, organization);
    await this.assertUnique(dto.username, dto.phone ?? null);
    const user = this.users.create({
      username: dto.username,
      name: dto.name,
      role: dto.role,
      organizationId: organization.id,
      phone: dto.phone ?? null,
      subject: dto.subject ?? null,
      passwordHash: await this.hasher.hash(dto.password),
      active: true,
      lastLoginAt: null,
    });
    await this.users.insert(user).catch((err) => this.rethrowUniqueViolation(err));
    return toUserDto((await this.findWithOrganization(user.id))!);
  }

  async list(actor: Principal, query: ListUsersQuery): Promise<Page<UserDto>> {
    const qb = this.users
      .createQueryBuilder('u')
      .innerJoinAndSelect('u.organization', 'o')
      .leftJoinAndSelect('o.county', 'c');
    if (actor.role === 'county_admin') {
      qb.andWhere('(o.id = :county OR o.countyId = :county)', { county: actor.organizationId });
    } else if (actor.role !== 'city_admin') {
      qb.andWhere('u.organizationId IN (:...orgs)', { orgs: [actor.organizationId, ...(await this.scopeLoader.extraOrganizationIds(actor))] });
    }
    if (query.organizationId) {
      await this.assertOrganizationInScope(actor, await this.loadTarget(query.organizationId));
      qb.andWhere('u.organizationId = :org', { org: query.organizationId });
    }
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.q) {
      const like = `%${query.q.replace(/[!%_]/g, '!$&')}%`;
      qb.andWhere("(u.username LIKE :q ESCAPE '!' OR u.name LIKE :q ESCAPE '!' OR u.phone LIKE :q ESCAPE '!')", { q: like });
    }
    // Only to-one joins, so plain OFFSET/LIMIT pages correctly.
    qb.orderBy('u.username', 'ASC').offset(query.offset).limit(query.limit);
    const [items, total] = await qb.getManyAndCount();
    return toPage((items as UserWithOrganization[]).map(toUserDto), total, query);
  }

  async get(actor: Principal, id: string): Promise<UserDto> {
    const user = await this.findWithOrganization(id);
    if (!user) throw new DomainException('USER_NOT_FOUND');
    if (user.id !== actor.userId) await this.assertOrganizationInScope(actor, await this.loadTarget(user.organizationId));
    return toUserDto(user);
  }

  async update(actor: Principal, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const user = await this.findWithOrganization(id);
    if (!user) throw new DomainException('USER_NOT_FOUND');
    const organization = await this.loadTarget(user.organizationId);
    const self = user.id === actor.userId;
    if (self) {
      // Everyone may correct their own name, phone and subject, but not lock themselves out or promote themselves.
      if (dto.active === false) throw new DomainException('CANNOT_DEACTIVATE_SELF');
      if (dto.role !== undefined && dto.role !== user.role) throw new DomainException('ACCESS_DENIED');
    } else {
      await this.assertManages(actor, user.role, organization);
    }

    const changes: Partial<User> = {};
    if (dto.role !== undefined && dto.role !== user.role) {
      if (actor.role !== 'city_admin') throw new DomainException('ACCESS_DENIED');
      assertRoleFitsOrganization(dto.role, organization);
      changes.role = dto.role;
    }
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.subject !== undefined) changes.subject = dto.subject || null;
    if (dto.phone !== undefined && dto.phone !== user.phone) {
      if (dto.phone) await this.assertUnique(null, dto.phone, user.id);
      changes.phone = dto.phone || null;
    }
    if (dto.active !== undefined) changes.active = dto.active;

    if (Object.keys(changes).length) {
      await this.users.update({ id: user.id }, changes).catch((err) => this.rethrowUniqueViolation(err));
    }
    if (dto.active === false && user.active) await this.refreshTokens.revokeAllForUser(user.id, 'account_disabled');
    return toUserDto((await this.findWithOrganization(user.id))!);
  }

  /**
   * Sets a new password for an account the actor manages (same rule as editing it) and ends all of its sign-ins,
   * so whoever held the old password is out. One's own password is changed with the current one (/me/password).
   */
  async resetPassword(actor: Principal, id: string, dto: ResetPasswordDto): Promise<void> {
    const user = await this.users.findOne({ where: { id }, select: { id: true, role: true, organizationId: true } });
    if (!user) throw new DomainException('USER_NOT_FOUND');
    if (user.id === actor.userId) throw new DomainException('CANNOT_RESET_OWN_PASSWORD');
    await this.assertManages(actor, user.role, await this.loadTarget(user.organizationId));
    await this.users.update({ id: user.id }, { passwordHash: await this.hasher.hash(dto.newPassword) });
    await this.refreshTokens.revokeAllForUser(user.id, 'password_reset');
  }

  /** Changes the caller's password and ends every other sign-in of theirs. */
  async changePassword(userId: string, dto: ChangePasswordDto): Promise<void> {
    const user = await this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id: userId }).getOne();
    if (!user) throw new DomainException('USER_NOT_FOUND');
    if (!(await this.hasher.verify(user.passwordHash, dto.currentPassword))) throw new DomainException('CURRENT_PASSWORD_INCORRECT');
    await this.users.update({ id: userId }, { passwordHash: await this.hasher.hash(dto.newPassword) });
    let keepFamilyId: string | null = null;
    if (dto.refreshToken) {
      const current = await this.refreshTokens.findByToken(dto.refreshToken);
      if (current && current.userId === userId && !current.revokedAt) keepFamilyId = current.familyId;
    }
    await this.refreshTokens.revokeAllForUser(userId, 'password_changed', keepFamilyId);
  }

  /** Someone else's account: its unit within the actor's scope, and a role the actor may manage there. */
  private async assertManages(actor: Principal, role: Role, organization: ScopeTarget): Promise<void> {
    await this.assertOrganizationInScope(actor, organization);
    assertCanManageAccount(actor, role, organization);
  }

  private async loadTarget(organizationId: string): Promise<ScopeTarget> {
    const target = await this.scopeLoader.load(organizationId);
    if (!target) throw new DomainException('ORGANIZATION_NOT_FOUND');
    return target;
  }

  private async assertOrganizationInScope(actor: Principal, target: ScopeTarget): Promise<void> {
    const extra = actor.role === 'city_admin' || actor.role === 'county_admin' ? [] : await this.scopeLoader.extraOrganizationIds(actor);
    if (!isWithinScope(actor, target, extra)) throw new DomainException('OUT_OF_SCOPE');
  }

  private async assertUnique(username: string | null, phone: string | null, exceptId?: string): Promise<void> {
    if (username && (await this.users.exists({ where: { username } }))) throw new DomainException('USERNAME_TAKEN');
    if (phone) {
      const holder = await this.users.findOne({ where: { phone }, select: { id: true } });
      if (holder && holder.id !== exceptId) throw new DomainException('PHONE_TAKEN');
    }
  }

  /** A unique index caught a race the pre-check missed; name the field that collided. */
  private rethrowUniqueViolation(err: unknown): never {
    if (err instanceof QueryFailedError) {
      const message = err.message;
      if (/uq_user_phone|users\.phone/i.test(message)) throw new DomainException('PHONE_TAKEN');
      if (/uq_user_username|users\.username/i.test(message)) throw new DomainException('USERNAME_TAKEN');
    }
    throw err;
  }
}
