import { AsyncLocalStorage } from 'node:async_hooks';
import { EntityManager } from 'typeorm';
import { AbstractSqliteQueryRunner } from 'typeorm/driver/sqlite-abstract/AbstractSqliteQueryRunner';

/**
 * TypeORM's better-sqlite3 driver runs every query through ONE shared query runner. Two transactions begun at the
 * same moment by different requests then race inside `startTransaction` (both issue BEGIN: "cannot start a
 * transaction within a transaction") or nest as savepoints of each other. MySQL gives each transaction its own
 * connection; on SQLite this makes transactions take turns instead:
 * - `EntityManager.transaction` (explicit transactions) waits for the driver's lock and runs its callback in an
 *   async context that marks it as the holder, so transactions nested inside it become savepoints as usual;
 * - an implicit transaction (`save`, `remove` outside any transaction) takes the lock in `startTransaction` and
 *   gives it back when its commit or rollback brings the depth back to zero.
 * A plain query issued while another request's transaction is open still runs on the shared connection.
 */
const holder = new AsyncLocalStorage<object>();
const tails = new WeakMap<object, Promise<void>>();
const implicitReleases = new WeakMap<object, () => void>();
let installed = false;

function acquire(driver: object): Promise<() => void> {
  const previous = tails.get(driver) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  tails.set(driver, previous.then(() => mine));
  return previous.then(() => release);
}

const isSqlite = (type: string | undefined) => type === 'better-sqlite3' || type === 'sqlite';

export function serializeSqliteTransactions(): void {
  if (installed) return;
  installed = true;

  const transaction = EntityManager.prototype.transaction;
  EntityManager.prototype.transaction = async function (this: EntityManager, ...args: unknown[]) {
    const driver = this.connection.driver;
    const run = () => (transaction as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    if (!isSqlite(this.connection.options.type) || this.queryRunner || holder.getStore() === driver) return run();
    const release = await acquire(driver);
    try {
      return await holder.run(driver, run);
    } finally {
      release();
    }
  } as typeof EntityManager.prototype.transaction;

  const proto = AbstractSqliteQueryRunner.prototype as unknown as {
    startTransaction(this: AbstractSqliteQueryRunner, ...a: unknown[]): Promise<void>;
    commitTransaction(this: AbstractSqliteQueryRunner): Promise<void>;
    rollbackTransaction(this: AbstractSqliteQueryRunner): Promise<void>;
  };
  const start = proto.startTransaction;
  const commit = proto.commitTransaction;
  const rollback = proto.rollbackTransaction;

  proto.startTransaction = async function (...args) {
    if (holder.getStore() === this.driver) return start.apply(this, args);
    const release = await acquire(this.driver);
    try {
      await start.apply(this, args);
    } catch (err) {
      release();
      throw err;
    }
    implicitReleases.set(this, release);
  };
  const finish = (original: (this: AbstractSqliteQueryRunner) => Promise<void>) =>
    async function (this: AbstractSqliteQueryRunner) {
      try {
        await original.apply(this);
      } finally {
        const release = implicitReleases.get(this);
        if (release && this.transactionDepth === 0) {
          implicitReleases.delete(this);
          release();
        }
      }
    };
  proto.commitTransaction = finish(commit);
  proto.rollbackTransaction = finish(rollback);
}
