import { QueryFailedError } from 'typeorm';

/** True for a unique-index (or primary-key) violation on SQLite, MySQL or MariaDB. */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const e = (err as QueryFailedError & { driverError?: { code?: string; errno?: number } }).driverError;
  return e?.code === 'ER_DUP_ENTRY' || e?.errno === 1062 || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
