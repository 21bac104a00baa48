import { MeasureStatus, ReviewState } from './measure.entity';
import { PlanStatus } from './plan.entity';

/** Chinese labels for timelines, notifications and spreadsheets. */
export const MEASURE_STATUS_LABELS: Record<MeasureStatus, string> = {
  not_started: '未开始',
  in_progress: '推进中',
  done: '已办结',
  blocked: '受阻',
};

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = {
  none: '未申请',
  pending: '待审核',
  approved: '审核通过',
  rejected: '已退回',
};

export const PLAN_STATUS_LABELS: Record<PlanStatus, string> = {
  active: '执行中',
  archived: '已归档',
};
