import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { serializeSqliteTransactions } from './sqlite-transactions';

@Entity('counters')
class Counter {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'int' })
  value: number;

  @Column({ type: 'varchar', length: 20 })
  label: string;
}

const pause = () => new Promise((r) => setTimeout(r, 5));

describe('serializeSqliteTransactions', () => {
  let ds: DataSource;

  beforeAll(async () => {
    serializeSqliteTransactions();
    ds = await new DataSource({
      type: 'better-sqlite3',
      database: join(mkdtempSync(join(tmpdir(), 'xz-tx-')), 'db.sqlite'),
      entities: [Counter],
      synchronize: true, // a throwaway schema for this unit spec only
    }).initialize();
    await ds.getRepository(Counter).insert({ id: 1, value: 0, label: 'c' });
  });
  afterAll(() => ds.destroy());

  it('runs concurrent read-modify-write transactions one after another, losing no update', async () => {
    const increment = () =>
      ds.transaction(async (m) => {
        const row = await m.findOneByOrFail(Counter, { id: 1 });
        await pause(); // give another request the chance to interleave
        await m.update(Counter, { id: 1 }, { value: row.value + 1 });
      });
    await Promise.all(Array.from({ length: 10 }, increment));
    expect((await ds.getRepository(Counter).findOneByOrFail({ id: 1 })).value).toBe(10);
  });

  it('rolls back one transaction without touching a concurrent one', async () => {
    const failing = ds.transaction(async (m) => {
      await m.insert(Counter, { value: 1, label: 'rolled-back' });
      await pause();
      throw new Error('boom');
    });
    const succeeding = ds.transaction(async (m) => {
      await m.insert(Counter, { value: 1, label: 'kept' });
    });
    await expect(failing).rejects.toThrow('boom');
    await succeeding;
    const labels = (await ds.getRepository(Counter).find()).map((c) => c.label);
    expect(labels).toContain('kept');
    expect(labels).not.toContain('rolled-back');
  });

  it('lets a transaction nested inside another (via the data source) run as a savepoint instead of waiting forever', async () => {
    await ds.transaction(async (m) => {
      await m.insert(Counter, { value: 5, label: 'outer' });
      await ds.transaction(async (inner) => inner.insert(Counter, { value: 6, label: 'inner' }));
    });
    const labels = (await ds.getRepository(Counter).find()).map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(['outer', 'inner']));
  });

  it('serialises implicit save() transactions with explicit ones', async () => {
    const repo = ds.getRepository(Counter);
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => repo.save(repo.create({ value: i, label: `save-${i}` }))),
      ...Array.from({ length: 5 }, (_, i) => ds.transaction((m) => m.save(Counter, { value: i, label: `tx-${i}` }))),
    ]);
    const labels = (await repo.find()).map((c) => c.label);
    for (let i = 0; i < 5; i++) expect(labels).toEqual(expect.arrayContaining([`save-${i}`, `tx-${i}`]));
  });
});
