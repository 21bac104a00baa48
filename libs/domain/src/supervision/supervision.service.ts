import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { addDays, AppConfig, Principal, shanghaiDate } from '@app/platform';
import { OnJob } from '@app/queue';
import { IndicatorFinding, IndicatorsService } from '../indicators/indicators.service';
import { currentSchoolYear } from '../indicators/indicator-rules';
import { MeasuresService, OverdueMeasure } from '../plans/measures.service';
import { supervisionDailyScan } from './jobs/daily-scan.job';
import { Rectification } from './rectification.entity';
import { RectificationDraft, RectificationsService } from './rectifications.service';
import { indicatorSourceId, openKeyFor } from './supervision-rules';
import { FlaggedItemView, SupervisionRunResult } from './supervision.dto';

const CHUNK = 500;

interface Candidate {
  kind: 'measure' | 'indicator';
  draft: RectificationDraft;
}

/**
 * The supervision scan (督导): flags measures of active plans that are past due and not done, and school- and
 * county-level indicators off target in the current school year; opens one rectification order per flagged item
 * (deadline: today + RECTIFICATION_DEADLINE_DAYS) and notifies the responsible unit's admins and the county
 * coordinator. Idempotent through the orders' unique open key: a second run, or two at the same moment, opens
 * nothing twice and notifies nobody twice. Runs daily as a repeatable job and on demand (city admin).
 */
@Injectable()
export class SupervisionService {
  private readonly logger = new Logger(SupervisionService.name);

  constructor(
    @InjectRepository(Rectification) private readonly rectifications: Repository<Rectification>,
    private readonly measures: MeasuresService,
    private readonly indicators: IndicatorsService,
    private readonly orders: RectificationsService,
    private readonly config: AppConfig,
  ) {}

  /** POST /supervision/run: the scan, now, synchronously. */
  async runNow(principal: Principal): Promise<SupervisionRunResult> {
    this.logger.log(`Supervision scan started by ${principal.username}`);
    return this.scan('manual');
  }

  /** The daily repeatable job. Safe to re-run (a retry after a failure opens only what is still missing). */
  @OnJob(supervisionDailyScan)
  async onDailyScan(): Promise<void> {
    const result = await this.scan('schedule');
    this.logger.log(`Daily supervision scan: ${result.counts.flagged} flagged, ${result.counts.opened} opened`);
  }

  async scan(trigger: 'manual' | 'schedule', today: string = shanghaiDate()): Promise<SupervisionRunResult> {
    const year = currentSchoolYear(today);
    const deadline = addDays(today, this.config.RECTIFICATION_DEADLINE_DAYS);
    const [overdue, offTarget] = await Promise.all([this.measures.findOverdue(today), this.indicators.offTargetFindings(year)]);
    const candidates = [...overdue.map((m) => measureCandidate(m, today, deadline)), ...offTarget.map((f) => indicatorCandidate(f, deadline))];

    // Most items are already open after the first run; look them up at once instead of failing one insert each.
    const keys = candidates.map((c) => c.draft.openKey!);
    const openByKey = new Map<string, string>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await this.rectifications.find({ where: { openKey: In(keys.slice(i, i + CHUNK)) }, select: { id: true, openKey: true } });
      for (const row of rows) openByKey.set(row.openKey!, row.id);
    }

    const flagged: FlaggedItemView[] = [];
    const opened: Rectification[] = [];
    for (const { kind, draft } of candidates) {
      let rectificationId = openByKey.get(draft.openKey!) ?? null;
      let isNew = false;
      if (!rectificationId) {
        // The unique open key decides between concurrent runs: the loser gets the winner's order back.
        const result = await this.orders.open(draft);
        rectificationId = result.rect.id;
        isNew = result.opened;
        if (isNew) {
          opened.push(result.rect);
          await this.orders.notifyOpened(result.rect);
        }
      }
      flagged.push({
        kind,
        sourceId: draft.sourceId!,
        organizationId: draft.organizationId,
        countyId: draft.countyId,
        title: draft.title,
        rectificationId,
        opened: isNew,
      });
    }
    return {
      trigger,
      today,
      year,
      deadline,
      flagged,
      opened: await this.orders.views(opened, today),
      counts: {
        flagged: flagged.length,
        opened: opened.length,
        alreadyOpen: flagged.length - opened.length,
        overdueMeasures: overdue.length,
        offTargetIndicators: offTarget.length,
      },
    };
  }
}

function measureCandidate(m: OverdueMeasure, today: string, deadline: string): Candidate {
  return {
    kind: 'measure',
    draft: {
      // The lead unit (牵头单位) answers for the measure; it is usually the school, sometimes a bureau.
      organizationId: m.leadUnitId,
      countyId: m.countyId,
      schoolId: m.schoolId,
      title: `限期整改：措施"${m.title}"逾期未完成`,
      reason: `一校一策（${m.term}）措施"${m.title}"应于 ${m.dueDate} 完成，截至 ${today} 仍未完成，已逾期 ${m.daysOverdue} 天。`,
      deadline,
      sourceKind: 'measure',
      sourceId: m.id,
      openKey: openKeyFor('measure', m.id),
      issuedById: null,
      issuedByRole: null,
    },
  };
}

const DIRECTION_TEXT = { at_least: '不低于', at_most: '不超过' } as const;

function indicatorCandidate(f: IndicatorFinding, deadline: string): Candidate {
  const sourceId = indicatorSourceId(f.key, f.organizationId, f.year);
  const target = f.direction === 'done' ? '完成' : `${DIRECTION_TEXT[f.direction]} ${f.target}${f.unit}`;
  const value = f.direction === 'done' ? '未完成' : `${f.value}${f.unit}`;
  const lowered = f.lowered ? '，且低于上一学年（要求只增不减）' : '';
  return {
    kind: 'indicator',
    draft: {
      organizationId: f.organizationId,
      countyId: f.countyId,
      schoolId: f.organizationKind === 'school' ? f.organizationId : null,
      title: `限期整改：${f.organizationName}${f.nameZh}未达标`,
      reason: `${f.organizationName} ${f.year} 学年${f.nameZh}为 ${value}，目标为${target}${lowered}。`,
      deadline,
      sourceKind: 'indicator',
      sourceId,
      openKey: openKeyFor('indicator', sourceId),
      issuedById: null,
      issuedByRole: null,
    },
  };
}
