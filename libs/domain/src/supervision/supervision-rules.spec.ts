import { DomainException } from '@app/platform';
import { fit, indicatorSourceId, openKeyFor, overdueOf, transition } from './supervision-rules';

describe('supervision rules', () => {
  describe('idempotency keys', () => {
    it('gives one open key per source, the same on every run', () => {
      expect(openKeyFor('measure', 'm-1')).toBe('measure:m-1');
      expect(openKeyFor('measure', 'm-1')).toBe(openKeyFor('measure', 'm-1'));
      expect(openKeyFor('indicator', indicatorSourceId('largest_class_size', 'org-1', 2026))).toBe('indicator:largest_class_size:org-1:2026');
    });
    it('keeps kinds, organizations and years apart', () => {
      const keys = [
        openKeyFor('measure', 'x'),
        openKeyFor('indicator', 'x'),
        openKeyFor('indicator', indicatorSourceId('school_size', 'org-1', 2026)),
        openKeyFor('indicator', indicatorSourceId('school_size', 'org-2', 2026)),
        openKeyFor('indicator', indicatorSourceId('school_size', 'org-1', 2027)),
        openKeyFor('indicator', indicatorSourceId('largest_class_size', 'org-1', 2026)),
      ];
      expect(new Set(keys).size).toBe(keys.length);
    });
    it('gives manual orders no key (several may be open for one school)', () => {
      expect(openKeyFor('manual', null)).toBeNull();
      expect(openKeyFor('manual', 'anything')).toBeNull();
      expect(openKeyFor('measure', null)).toBeNull();
    });
    it('fits the columns (sourceId 120, openKey 140) for the longest key and a uuid', () => {
      const sourceId = indicatorSourceId('k'.repeat(64), '00000000-0000-4000-8000-000000000000', 2100);
      expect(sourceId.length).toBeLessThanOrEqual(120);
      expect(openKeyFor('indicator', sourceId)!.length).toBeLessThanOrEqual(140);
    });
  });

  describe('overdueOf', () => {
    it('is overdue only while open and past the deadline, counting calendar days', () => {
      expect(overdueOf({ status: 'open', deadline: '2026-03-01' }, '2026-03-01')).toEqual({ overdue: false, daysOverdue: 0 });
      expect(overdueOf({ status: 'open', deadline: '2026-02-27' }, '2026-03-01')).toEqual({ overdue: true, daysOverdue: 2 });
      expect(overdueOf({ status: 'submitted', deadline: '2026-02-27' }, '2026-03-01')).toEqual({ overdue: false, daysOverdue: 0 });
      expect(overdueOf({ status: 'closed', deadline: '2026-02-27' }, '2026-03-01')).toEqual({ overdue: false, daysOverdue: 0 });
    });
  });

  describe('transition', () => {
    it('allows open -> submitted -> closed, and submitted -> open on rejection', () => {
      expect(transition('open', 'submit_evidence')).toEqual({ from: 'open', to: 'submitted' });
      expect(transition('submitted', 'approve')).toEqual({ from: 'submitted', to: 'closed' });
      expect(transition('submitted', 'reject')).toEqual({ from: 'submitted', to: 'open' });
    });
    it('refuses everything else with a 409 code', () => {
      const refused: [Parameters<typeof transition>[0], Parameters<typeof transition>[1]][] = [
        ['submitted', 'submit_evidence'],
        ['closed', 'submit_evidence'],
        ['open', 'approve'],
        ['open', 'reject'],
        ['closed', 'approve'],
        ['closed', 'reject'],
      ];
      for (const [status, action] of refused) {
        expect(() => transition(status, action)).toThrow(DomainException);
        try {
          transition(status, action);
        } catch (err) {
          expect((err as DomainException).code).toBe('RECTIFICATION_TRANSITION_NOT_ALLOWED');
        }
      }
    });
  });

  it('fit cuts long text with an ellipsis', () => {
    expect(fit('abc', 3)).toBe('abc');
    expect(fit('abcd', 3)).toBe('ab…');
  });
});
