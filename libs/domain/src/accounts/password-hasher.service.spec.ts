import * as argon2 from 'argon2';
import { PasswordHasher } from './password-hasher.service';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('hashes with argon2id and the OWASP parameters (m=19 MiB, t=2, p=1), salted', async () => {
    const a = await hasher.hash('Secret123');
    const b = await hasher.hash('Secret123');
    const [, algorithm, version, params] = a.split('$');
    expect(algorithm).toBe('argon2id');
    expect(version).toBe('v=19');
    expect(params.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(a).not.toEqual(b);
    expect(a).not.toContain('Secret123');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('密码Secret123');
    await expect(hasher.verify(hash, '密码Secret123')).resolves.toBe(true);
    await expect(hasher.verify(hash, '密码Secret124')).resolves.toBe(false);
    await expect(hasher.verify(hash, '')).resolves.toBe(false);
  });

  it('answers false for a malformed hash instead of throwing', async () => {
    await expect(hasher.verify('not-a-hash', 'whatever1')).resolves.toBe(false);
  });

  it('spends a real verification on the dummy path and always answers false', async () => {
    await expect(hasher.verifyDummy('Secret123')).resolves.toBe(false);
    await expect(hasher.verifyDummy('')).resolves.toBe(false);
  });

  it('asks for a rehash only when the stored parameters are weaker than today\'s', async () => {
    expect(hasher.needsRehash(await hasher.hash('Secret123'))).toBe(false);
    const weak = await argon2.hash('Secret123', { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(hasher.needsRehash(weak)).toBe(true);
  });
});
