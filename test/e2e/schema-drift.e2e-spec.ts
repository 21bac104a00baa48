import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/database';
import { testConfig } from '../utils/test-config';

describe('schema: entities and migrations agree', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(testConfig())).initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });
  afterAll(() => dataSource?.destroy());

  it(`has no pending schema change after the migrations (run \`npm run migration:generate -- Name\` if this fails)`, async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has applied every migration of the dialect', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    const expected = (dataSource.options.migrations as Function[]).length;
    expect(expected).toBeGreaterThan(0);
    const rows = await dataSource.query('SELECT name FROM schema_migrations');
    expect(rows).toHaveLength(expected);
  });
});
