import { Logger } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AppConfig, DomainException } from '@app/platform';
import { RefreshToken } from './refresh-token.entity';
import { hashRefreshToken, RefreshTokensService } from './refresh-tokens.service';

const codeOf = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainException) return err.code;
    throw err;
  }
  return 'OK';
};

describe('RefreshTokensService (SQLite)', () => {
  let dataSource: DataSource;
  let repo: Repository<RefreshToken>;
  let service: RefreshTokensService;
  const config = Object.assign(new AppConfig(), { REFRESH_TOKEN_TTL_SECONDS: 3600 });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [RefreshToken], synchronize: true }).initialize();
    repo = dataSource.getRepository(RefreshToken);
    service = new RefreshTokensService(repo, config);
  });
  afterAll(() => dataSource.destroy());

  it('issues an opaque base64url token of 32 random bytes and stores only its SHA-256', async () => {
    const issued = await service.issue('user-1', { userAgent: 'jest' });
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await repo.find({ where: { familyId: issued.familyId } });
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(hashRefreshToken(issued.token));
    expect(rows[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows[0])).not.toContain(issued.token);
    expect(rows[0].expiresAt.getTime()).toBeGreaterThan(Date.now() + 3500_000);
  });

  it('rotates: the presented token is used up and the next one belongs to the same family', async () => {
    const first = await service.issue('user-1');
    const { userId, next } = await service.rotate(first.token);
    expect(userId).toBe('user-1');
    expect(next.familyId).toBe(first.familyId);
    expect(next.token).not.toBe(first.token);
    const used = await service.findByToken(first.token);
    expect(used?.usedAt).toBeInstanceOf(Date);
    const third = await service.rotate(next.token);
    expect(third.next.familyId).toBe(first.familyId);
  });

  it('a used token presented again is REUSED and revokes the family, so the newest token stops working too', async () => {
    const first = await service.issue('user-2');
    const { next } = await service.rotate(first.token);
    expect(await codeOf(service.rotate(first.token))).toBe('AUTH_REFRESH_REUSED');
    expect(await codeOf(service.rotate(next.token))).toBe('AUTH_REFRESH_INVALID');
    const rows = await repo.find({ where: { familyId: first.familyId } });
    expect(rows.every((r) => r.revokedAt && r.revokedReason === 'reuse')).toBe(true);
  });

  it('refuses unknown, expired and revoked tokens as INVALID', async () => {
    expect(await codeOf(service.rotate('no-such-token'))).toBe('AUTH_REFRESH_INVALID');
    expect(await codeOf(service.rotate(''))).toBe('AUTH_REFRESH_INVALID');

    const expired = await service.issue('user-3');
    await repo.update({ tokenHash: hashRefreshToken(expired.token) }, { expiresAt: new Date(Date.now() - 1000) });
    expect(await codeOf(service.rotate(expired.token))).toBe('AUTH_REFRESH_INVALID');

    const revoked = await service.issue('user-3');
    await service.revokeFamily(revoked.familyId, 'logout');
    expect(await codeOf(service.rotate(revoked.token))).toBe('AUTH_REFRESH_INVALID');
  });

  it('lets only one of two concurrent refreshes with the same token succeed, and the family is then dead', async () => {
    for (let round = 0; round < 5; round++) {
      const first = await service.issue(`user-race-${round}`);
      const results = await Promise.allSettled([service.rotate(first.token), service.rotate(first.token)]);
      const ok = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ next: { token: string } }>[];
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(ok.length).toBeLessThanOrEqual(1);
      expect(failed.length).toBeGreaterThanOrEqual(1);
      for (const f of failed) expect((f.reason as DomainException).code).toBe('AUTH_REFRESH_REUSED');
      // The loser's reuse revoked the family, including whatever the winner was issued.
      for (const o of ok) expect(await codeOf(service.rotate(o.value.next.token))).toBe('AUTH_REFRESH_INVALID');
      expect(await repo.count({ where: { familyId: first.familyId, revokedAt: IsNull() } })).toBe(0);
    }
  });

  it('does not use the token up when canContinue refuses', async () => {
    const first = await service.issue('user-4');
    const refuse = async () => {
      throw new DomainException('AUTH_ACCOUNT_DISABLED');
    };
    expect(await codeOf(service.rotate(first.token, { canContinue: refuse }))).toBe('AUTH_ACCOUNT_DISABLED');
    expect((await service.findByToken(first.token))?.usedAt).toBeNull();
  });

  it('revokes every family of a user, optionally keeping one', async () => {
    const a = await service.issue('user-5');
    const b = await service.issue('user-5');
    const c = await service.issue('user-5');
    const other = await service.issue('user-6');
    expect(await service.revokeAllForUser('user-5', 'password_changed', b.familyId)).toBe(2);
    expect(await codeOf(service.rotate(a.token))).toBe('AUTH_REFRESH_INVALID');
    expect(await codeOf(service.rotate(c.token))).toBe('AUTH_REFRESH_INVALID');
    expect(await codeOf(service.rotate(b.token))).toBe('OK');
    expect(await codeOf(service.rotate(other.token))).toBe('OK');
    await service.revokeAllForUser('user-5', 'logout_all');
    expect(await repo.count({ where: { userId: 'user-5', revokedAt: IsNull() } })).toBe(0);
  });
});
