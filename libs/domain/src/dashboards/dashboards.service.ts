import { Injectable } from '@nestjs/common';
import { Principal } from '@app/platform';
import { DashboardQuery, DashboardView } from './dashboards.dto';
import { breakdownOf, figuresOf, scopeName } from './supervision-figures';
import { SupervisionSnapshotService } from './supervision-snapshot.service';

/** How many overdue measures and open orders the dashboard lists (the report has them all). */
export const DASHBOARD_LIST_LIMIT = 20;

/** City -> county -> school roll-ups (item 6), computed from the same snapshot the report is built from. */
@Injectable()
export class DashboardsService {
  constructor(private readonly snapshots: SupervisionSnapshotService) {}

  async dashboard(principal: Principal, query: DashboardQuery): Promise<DashboardView> {
    const scope = await this.snapshots.resolveScope(principal, query);
    const snapshot = await this.snapshots.load(scope);
    const figures = figuresOf(snapshot);
    const overdueMeasures = snapshot.measures
      .filter((m) => m.overdue)
      .sort((a, b) => b.daysOverdue - a.daysOverdue || a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id))
      .slice(0, DASHBOARD_LIST_LIMIT)
      .map((m) => ({
        id: m.id,
        title: m.title,
        schoolId: m.schoolId,
        schoolName: m.schoolName,
        leadUnitName: m.leadUnitName,
        dueDate: m.dueDate,
        daysOverdue: m.daysOverdue,
        status: m.status,
      }));
    const openRectifications = snapshot.rectifications
      .filter((r) => r.status !== 'closed')
      .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id))
      .slice(0, DASHBOARD_LIST_LIMIT)
      .map((r) => ({
        id: r.id,
        title: r.title,
        organizationName: r.organizationName,
        deadline: r.deadline,
        status: r.status,
        overdue: r.overdue,
        daysOverdue: r.daysOverdue,
      }));
    return {
      scope: { ...scope, name: scopeName(scope) },
      today: snapshot.today,
      generatedAt: snapshot.generatedAt,
      measures: figures.measures,
      indicators: figures.indicators,
      rectifications: figures.rectifications,
      partnerships: {
        ...figures.partnerships,
        items: snapshot.partnerships.items.map((p) => ({ ...p, memberSchools: p.memberSchools.map((s) => ({ id: s.id, name: s.name })) })),
      },
      breakdown: breakdownOf(snapshot),
      overdueMeasures,
      openRectifications,
    };
  }
}
