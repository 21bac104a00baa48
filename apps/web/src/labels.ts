// Chinese labels for the API's enum values (the API returns keys; some views also carry a label).
export const ROLE_LABELS: Record<string, string> = {
  city_admin: '市级管理员',
  county_admin: '县区管理员',
  school_admin: '学校管理员',
  teacher: '教师',
  mentor: '帮扶专家',
};
export const MEASURE_STATUS: Record<string, string> = { not_started: '未开始', in_progress: '进行中', done: '已完成', blocked: '受阻' };
export const MEASURE_STATUS_COLOR: Record<string, string> = { not_started: 'default', in_progress: 'processing', done: 'success', blocked: 'error' };
export const REVIEW_STATE: Record<string, string> = { none: '—', pending: '待审核', approved: '已通过', rejected: '已退回' };
export const RECT_STATUS: Record<string, string> = { open: '整改中', submitted: '已提交', closed: '已销号' };
export const RESOURCE_TYPES: Record<string, string> = {
  lesson_plan: '教案',
  courseware: '课件',
  micro_lecture: '微课',
  study_guide: '学案',
  exam_paper: '试卷',
  other: '其他',
};
export const SUBJECTS = ['语文', '数学', '英语', '物理', '化学', '生物', '思想政治', '历史', '地理', '信息技术', '通用技术', '音乐', '美术', '体育与健康'];
export const GRADES = ['高一', '高二', '高三'];
export const VISIBILITY: Record<string, string> = { city: '全市共享', partnership: '帮扶共同体', school: '仅本校' };
export const RESOURCE_STATUS: Record<string, string> = {
  draft: '草稿',
  processing: '处理中',
  pending_review: '待审核',
  published: '已发布',
  rejected: '已退回',
};
export const PARTNERSHIP_KINDS: Record<string, string> = {
  trusteeship: '托管帮扶',
  group_aid: '组团式帮扶',
  education_group: '集团化办学',
  paired_assistance: '对口帮扶',
  teacher_pairing: '青蓝工程',
};
export const GROUP_MODELS: Record<string, string> = { urban_rural: '城区学校+农村学校', quality_weak: '优质学校+薄弱学校', quality_several_weak: '优质学校+若干薄弱学校' };
export const PARTNERSHIP_STATUS: Record<string, string> = { proposed: '拟建立', active: '实施中', suspended: '已暂停', concluded: '已结束' };
export const TEAM_ROLES: Record<string, string> = {
  executive_principal: '执行校长',
  principal: '校长',
  vice_principal: '副校长',
  middle_manager: '中层干部',
  subject_teacher: '学科教师',
  researcher: '教研员',
  other: '其他',
};
export const HEALTH_COLOR: Record<string, string> = { on_track: 'green', at_risk: 'orange', behind: 'red', not_started: 'default' };
export const INDICATOR_STATUS: Record<string, string> = { on_target: '达标', off_target: '未达标', no_data: '暂无数据' };

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Stored UTC, shown in Asia/Shanghai. */
export function shanghai(value: string | Date | null | undefined, withTime = true): string {
  if (!value) return '—';
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  });
}
