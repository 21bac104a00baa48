import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, InsertEvent, UpdateEvent } from 'typeorm';
import type { Resource } from '../resource.entity';
import { ResourceSearchIndexer, searchFingerprint } from './resource-search.indexer';
import { ResourceSearchSubscriber } from './resource-search.subscriber';

describe('ResourceSearchSubscriber', () => {
  const manager = {} as EntityManager;
  const index = jest.fn<Promise<number>, Parameters<ResourceSearchIndexer['index']>>();
  const dataSource = { subscribers: [] as unknown[] } as unknown as DataSource;
  const subscriber = new ResourceSearchSubscriber(dataSource, { index } as unknown as ResourceSearchIndexer);
  const row = { id: 'r1', title: '高一数学函数的概念', description: '', chapter: null, tags: ['函数'], createdAt: new Date() } as unknown as Resource;
  const column = (propertyName: string) => ({ propertyName }) as never;

  beforeEach(() => index.mockReset().mockResolvedValue(1));

  it('registers itself with the data source', () => {
    expect(dataSource.subscribers).toContain(subscriber);
  });

  it('indexes a created resource in the same transaction', async () => {
    await subscriber.afterInsert({ entity: row, manager } as InsertEvent<Resource>);
    expect(index).toHaveBeenCalledWith(manager, [row]);
  });

  it('re-indexes when title, description, chapter or tags change, and not for other columns', async () => {
    await subscriber.afterUpdate({ entity: { ...row, status: 'published' }, updatedColumns: [column('status'), column('updatedAt')], manager } as unknown as UpdateEvent<Resource>);
    expect(index).not.toHaveBeenCalled();
    await subscriber.afterUpdate({ entity: { ...row, tags: ['导数'] }, updatedColumns: [column('tags')], manager } as unknown as UpdateEvent<Resource>);
    expect(index).toHaveBeenCalledWith(manager, [expect.objectContaining({ id: 'r1', tags: ['导数'] })]);
  });

  it('completes a partial save from the row as loaded', async () => {
    await subscriber.afterUpdate({
      entity: { id: 'r1', title: '新标题' },
      databaseEntity: row,
      updatedColumns: [column('title')],
      manager,
    } as unknown as UpdateEvent<Resource>);
    expect(index).toHaveBeenCalledWith(manager, [expect.objectContaining({ id: 'r1', title: '新标题', tags: ['函数'] })]);
  });

  it('leaves a bulk update without ids to the reconcile job, warning only when searched text changed', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      await subscriber.afterUpdate({ entity: { downloadCount: () => 'downloadCount + 1' }, updatedColumns: [], manager } as unknown as UpdateEvent<Resource>);
      expect(warn).not.toHaveBeenCalled();
      await subscriber.afterUpdate({ entity: { title: 'x' }, updatedColumns: [], manager } as unknown as UpdateEvent<Resource>);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(index).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('fingerprints the indexed text only, and every part of it', () => {
    const base = searchFingerprint(row);
    expect(searchFingerprint({ ...row })).toBe(base);
    expect(searchFingerprint({ ...row, tags: ['函数', '导数'] })).not.toBe(base);
    expect(searchFingerprint({ ...row, chapter: '第三章' })).not.toBe(base);
    // tags are separate texts: ['ab'] and ['a', 'b'] are different documents
    expect(searchFingerprint({ ...row, tags: ['函数'] })).not.toBe(searchFingerprint({ ...row, tags: ['函', '数'] }));
  });
});
