import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first recommended setting
 * (m = 19 MiB, t = 2, p = 1): strong enough for a login service, cheap enough for a small server.
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

@Injectable()
export class PasswordHasher {
  /** A hash of a random secret, verified when the user is unknown so both failures take about as long. */
  private dummyHash?: Promise<string>;

  hash(plain: string): Promise<string> {
    return argon2.hash(plain, ARGON2_OPTIONS);
  }

  /** True when `plain` matches `hash`; false (never throws) for a mismatch or a malformed hash. */
  async verify(hash: string, plain: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, plain);
    } catch {
      return false;
    }
  }

  /** Spends the same work as a real verification and always answers false. */
  async verifyDummy(plain: string): Promise<false> {
    this.dummyHash ??= this.hash(`dummy-${Math.random()}-${Date.now()}`);
    await this.verify(await this.dummyHash, plain);
    return false;
  }

  /** True when a stored hash was made with weaker parameters than today's and should be re-hashed. */
  needsRehash(hash: string): boolean {
    const { memoryCost, timeCost, parallelism } = ARGON2_OPTIONS;
    return argon2.needsRehash(hash, { memoryCost, timeCost, parallelism });
  }
}
