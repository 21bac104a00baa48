import type { Organization } from '../../organizations/organization.entity';
import type { Push } from './push.entity';
import type { PushReceipt } from './push-receipt.entity';
import { adoptionView, baseView, isFlagged, receiptView, sortReceipts, ViewNames } from './push-views';

const push = {
  id: 'push-1',
  title: '函数专题',
  message: '请研讨使用',
  targetKind: 'partnership',
  partnershipId: 'p1',
  collectionId: 'c1',
  collectionName: '函数专题',
  pushedById: 'u-city',
  pushedByOrganizationId: 'o-city',
  pushedAt: new Date('2026-03-01T02:00:00Z'),
  pushedOn: '2026-03-01',
  resourceCount: 2,
  schoolCount: 2,
} as Push;

const org = (id: string, name: string, isWeak: boolean) => ({ id, name, isWeak, countyId: 'o-jiange' }) as Organization;
const names: ViewNames = {
  users: new Map([
    ['u-city', '李建国'],
    ['u-t', '刘晓燕'],
  ]),
  organizations: new Map([
    ['o-city', org('o-city', '市教育局', false)],
    ['o-jz', org('o-jz', '剑州中学', true)],
    ['o-gy', org('o-gy', '广元中学', false)],
  ]),
  partnerships: new Map([['p1', '广安烈面中学 → 剑州中学（组团式帮扶）']]),
};

const receipt = (organizationId: string, opened: Date | null, flagged: Date | null = null) =>
  ({
    pushId: push.id,
    organizationId,
    deliveredAt: push.pushedAt,
    firstOpenedAt: opened,
    firstOpenedById: opened ? 'u-t' : null,
    firstDownloadedAt: null,
    firstDownloadedById: null,
    unopenedFlaggedAt: flagged,
  }) as PushReceipt;

describe('push views', () => {
  it('names the pusher, the partnership and the collection', () => {
    expect(baseView(push, names)).toMatchObject({
      target: { kind: 'partnership', partnership: { id: 'p1', name: '广安烈面中学 → 剑州中学（组团式帮扶）' } },
      collection: { id: 'c1', name: '函数专题' },
      pushedBy: { id: 'u-city', name: '李建国' },
      pushedByOrganization: { id: 'o-city', name: '市教育局' },
    });
  });

  it('judges each receipt against the unopened rule and names who opened it', () => {
    const opened = receiptView(push, receipt('o-jz', new Date('2026-03-02T01:00:00Z')), names, 1, '2026-03-20', 7);
    expect(opened).toMatchObject({ schoolName: '剑州中学', isWeak: true, firstOpenedBy: { id: 'u-t', name: '刘晓燕' }, downloadedResources: 1, unopenedOverdue: false });
    expect(receiptView(push, receipt('o-gy', null), names, 0, '2026-03-07', 7).unopenedOverdue).toBe(false);
    expect(receiptView(push, receipt('o-gy', null), names, 0, '2026-03-08', 7).unopenedOverdue).toBe(true);
  });

  it('flags a push only while a school the job flagged is still unopened', () => {
    const flaggedAt = new Date('2026-03-08T23:00:00Z');
    const view = (r: PushReceipt) => receiptView(push, r, names, 0, '2026-03-09', 7);
    expect(isFlagged([view(receipt('o-gy', null, flaggedAt))])).toBe(true);
    expect(isFlagged([view(receipt('o-gy', new Date('2026-03-09T01:00:00Z'), flaggedAt))])).toBe(false);
    // Overdue but not yet flagged by the job: shown as overdue, not flagged.
    const unflagged = [view(receipt('o-gy', null))];
    expect(isFlagged(unflagged)).toBe(false);
    expect(adoptionView(unflagged)).toMatchObject({ schools: 1, opened: 0, unopenedOverdue: 1 });
  });

  it('lists weak schools first, then by name', () => {
    const views = sortReceipts([receiptView(push, receipt('o-gy', null), names, 0, '2026-03-01', 7), receiptView(push, receipt('o-jz', null), names, 0, '2026-03-01', 7)]);
    expect(views.map((v) => v.schoolName)).toEqual(['剑州中学', '广元中学']);
  });
});
