import { ValueTransformer } from 'typeorm';

/** mysql2 returns BIGINT as a string; sizes stay far below 2^53, so a JS number is exact. */
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v == null ? v : Number(v)),
};
