import { EntityManager } from 'typeorm';
import { Partnership } from './partnership.entity';

/**
 * Takes the partnership's row lock for the rest of the transaction, so writes that read-then-write the
 * partnership's children (term overlap, transition sequence) do not interleave. SQLite needs no lock: its
 * transactions already take turns (see @app/database sqlite-transactions.ts).
 */
export async function lockPartnership(manager: EntityManager, id: string): Promise<void> {
  const type = manager.connection.options.type;
  if (type === 'better-sqlite3') return;
  await manager.createQueryBuilder(Partnership, 'p').select('p.id').setLock('pessimistic_write').where('p.id = :id', { id }).getOne();
}

