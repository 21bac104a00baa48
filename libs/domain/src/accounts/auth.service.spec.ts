import { Logger } from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { Test, TestingModule } from '@nestjs/testing';
import { getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AccessTokenClaims, AppConfig, AuditEntry, DomainException, ScopeTargetLoader } from '@app/platform';
import { Organization } from '../organizations/organization.entity';
import { OrganizationScopeLoader } from '../organizations/organization-scope.loader';
import { AuthService } from './auth.service';
import { PasswordHasher } from './password-hasher.service';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensService } from './refresh-tokens.service';
import { User } from './user.entity';
import { normalizePhone, UsersService } from './users.service';

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainException) return err.code;
    throw err;
  }
  return 'OK';
};

describe('AuthService (SQLite)', () => {
  let moduleRef: TestingModule;
  let auth: AuthService;
  let users: UsersService;
  let jwt: JwtService;
  let userRepo: Repository<User>;
  let auditRepo: Repository<AuditEntry>;
  let county: Organization;
  let school: Organization;
  let bureau: Organization;
  const config = Object.assign(new AppConfig(), { ACCESS_TOKEN_TTL_SECONDS: 900, REFRESH_TOKEN_TTL_SECONDS: 3600 });
  const PASSWORD = 'Teach1234';

  beforeAll(async () => {
    Logger.overrideLogger(false);
    moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:', entities: [User, RefreshToken, Organization, AuditEntry], synchronize: true }),
        TypeOrmModule.forFeature([User, RefreshToken, Organization, AuditEntry]),
        JwtModule.register({ secret: 'unit-test-secret-unit-test-secret-0123', signOptions: { algorithm: 'HS256', expiresIn: 900 } }),
      ],
      providers: [
        { provide: AppConfig, useValue: config },
        PasswordHasher,
        RefreshTokensService,
        UsersService,
        AuthService,
        OrganizationScopeLoader,
        { provide: ScopeTargetLoader, useExisting: OrganizationScopeLoader },
      ],
    }).compile();
    auth = moduleRef.get(AuthService);
    users = moduleRef.get(UsersService);
    jwt = moduleRef.get(JwtService);
    userRepo = moduleRef.get(getRepositoryToken(User));
    auditRepo = moduleRef.get(getRepositoryToken(AuditEntry));
    const orgs = moduleRef.get<Repository<Organization>>(getRepositoryToken(Organization));
    county = await orgs.save(orgs.create({ name: '剑阁县', kind: 'county', countyId: null }));
    school = await orgs.save(orgs.create({ name: '剑州中学', kind: 'school', countyId: county.id }));
    bureau = await orgs.save(orgs.create({ name: '市教育局', kind: 'government_unit', countyId: null }));
    await users.ensureUser({ username: 'teacher.a', name: '刘老师', role: 'teacher', organizationId: school.id, password: PASSWORD, phone: '13800138000', subject: '数学' });
    await users.ensureUser({ username: 'county.a', name: '王科长', role: 'county_admin', organizationId: county.id, password: PASSWORD });
    await users.ensureUser({ username: 'city.a', name: '李局长', role: 'city_admin', organizationId: bureau.id, password: PASSWORD });
  });
  afterAll(() => moduleRef.close());

  it('ensureUser is idempotent and never resets a changed password', async () => {
    const before = await userRepo.findOneByOrFail({ username: 'teacher.a' });
    await users.changePassword(before.id, { currentPassword: PASSWORD, newPassword: 'Changed123' });
    const again = await users.ensureUser({ username: 'Teacher.A', name: '别的名字', role: 'mentor', organizationId: county.id, password: PASSWORD });
    expect(again.id).toBe(before.id);
    expect(again.name).toBe('刘老师');
    expect(await codeOf(auth.login('teacher.a', PASSWORD))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await codeOf(auth.login('teacher.a', 'Changed123'))).toBe('OK');
    await users.changePassword(before.id, { currentPassword: 'Changed123', newPassword: PASSWORD });
  });

  it('signs an access token with the documented claims; cty is the school\'s county', async () => {
    const result = await auth.login('teacher.a', PASSWORD, { ip: '10.0.0.1', userAgent: 'jest' });
    expect(result.tokenType).toBe('Bearer');
    expect(result.expiresIn).toBe(900);
    const claims = await jwt.verifyAsync<AccessTokenClaims & { exp: number; iat: number }>(result.accessToken);
    expect(claims).toMatchObject({ usr: 'teacher.a', role: 'teacher', org: school.id, cty: county.id, typ: 'access' });
    expect(claims.exp - claims.iat).toBe(900);
    expect(result.user).toEqual({
      id: claims.sub,
      username: 'teacher.a',
      name: '刘老师',
      role: 'teacher',
      roleLabel: '教师/教研员',
      phone: '13800138000',
      subject: '数学',
      organization: { id: school.id, name: '剑州中学', kind: 'school' },
      county: { id: county.id, name: '剑阁县' },
      accountRoles: [],
    });
    expect((await userRepo.findOneByOrFail({ id: claims.sub })).lastLoginAt).toBeInstanceOf(Date);
  });

  it('cty is the county itself for a county admin and null for the city bureau', async () => {
    const countyClaims = jwt.decode<AccessTokenClaims>((await auth.login('county.a', PASSWORD)).accessToken);
    expect(countyClaims.cty).toBe(county.id);
    const city = await auth.login('city.a', PASSWORD);
    expect(jwt.decode<AccessTokenClaims>(city.accessToken).cty).toBeNull();
    expect(city.user.county).toBeNull();
  });

  it('accepts the phone number as the username, in the usual spellings', async () => {
    expect(normalizePhone('138 0013 8000')).toBe('13800138000');
    expect(normalizePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(normalizePhone('teacher.a')).toBeNull();
    expect((await auth.login('+86 138 0013 8000', PASSWORD)).user.username).toBe('teacher.a');
  });

  it('answers an unknown user and a wrong password the same way, and audits both', async () => {
    const before = await auditRepo.count({ where: { action: 'auth.loginFailed' } });
    expect(await codeOf(auth.login('teacher.a', 'Wrong12345'))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await codeOf(auth.login('nobody.here', 'Wrong12345'))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await auditRepo.count({ where: { action: 'auth.loginFailed' } })).toBe(before + 2);
  });

  it('reports a disabled account only after the right password, and refuses its refresh', async () => {
    const user = await users.ensureUser({ username: 'disabled.a', name: '停用', role: 'teacher', organizationId: school.id, password: PASSWORD });
    const session = await auth.login('disabled.a', PASSWORD);
    await userRepo.update({ id: user.id }, { active: false });
    expect(await codeOf(auth.login('disabled.a', 'Wrong12345'))).toBe('AUTH_INVALID_CREDENTIALS');
    expect(await codeOf(auth.login('disabled.a', PASSWORD))).toBe('AUTH_ACCOUNT_DISABLED');
    expect(await codeOf(auth.refresh(session.refreshToken))).toBe('AUTH_ACCOUNT_DISABLED');
  });

  it('refresh returns a new pair with fresh claims; logout ends that sign-in only', async () => {
    const one = await auth.login('teacher.a', PASSWORD);
    const two = await auth.login('teacher.a', PASSWORD);
    const refreshed = await auth.refresh(one.refreshToken);
    expect(refreshed.refreshToken).not.toBe(one.refreshToken);
    expect(jwt.decode<AccessTokenClaims>(refreshed.accessToken).usr).toBe('teacher.a');
    const principal = { userId: refreshed.user.id, username: 'teacher.a', role: 'teacher' as const, organizationId: school.id, countyId: county.id };
    await auth.logout(principal, refreshed.refreshToken);
    expect(await codeOf(auth.refresh(refreshed.refreshToken))).toBe('AUTH_REFRESH_INVALID');
    const twoNext = await auth.refresh(two.refreshToken);
    await auth.logoutAll(principal);
    expect(await codeOf(auth.refresh(twoNext.refreshToken))).toBe('AUTH_REFRESH_INVALID');
  });

  it('logout ignores a token of another user', async () => {
    const countySession = await auth.login('county.a', PASSWORD);
    const teacher = await auth.login('teacher.a', PASSWORD);
    await auth.logout({ userId: teacher.user.id, username: 'teacher.a', role: 'teacher', organizationId: school.id, countyId: null }, countySession.refreshToken);
    expect(await codeOf(auth.refresh(countySession.refreshToken))).toBe('OK');
  });

  it('changing the password keeps the presented sign-in and ends the others', async () => {
    const user = await users.ensureUser({ username: 'changer.a', name: '改密', role: 'teacher', organizationId: school.id, password: PASSWORD });
    const keep = await auth.login('changer.a', PASSWORD);
    const other = await auth.login('changer.a', PASSWORD);
    expect(await codeOf(users.changePassword(user.id, { currentPassword: 'Wrong12345', newPassword: 'Newpass123' }))).toBe('CURRENT_PASSWORD_INCORRECT');
    await users.changePassword(user.id, { currentPassword: PASSWORD, newPassword: 'Newpass123', refreshToken: keep.refreshToken });
    expect(await codeOf(auth.refresh(other.refreshToken))).toBe('AUTH_REFRESH_INVALID');
    expect(await codeOf(auth.refresh(keep.refreshToken))).toBe('OK');
    expect(await codeOf(auth.login('changer.a', 'Newpass123'))).toBe('OK');
  });
});
