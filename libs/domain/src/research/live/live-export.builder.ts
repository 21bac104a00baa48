import ExcelJS from 'exceljs';
import type { PollUpdateEvent, ResourceSharedEvent } from './live-collab.events';
import type { RubricAggregate } from './rubric/rubric';
import { DEFAULT_RUBRIC } from './rubric/rubric';

/** Sheet names, fixed so readers (and the e2e spec) can find them. */
export const RECORD_SHEETS = { minutes: '纪要', chat: '聊天记录', polls: '投票结果', rubric: '评课汇总', shares: '共享资源' } as const;

export interface SessionRecord {
  session: {
    id: string;
    title: string;
    kind: string;
    subject: string | null;
    hostOrganizationId: string;
    startsAt: string;
    endsAt: string;
    status: string;
    endedAt: string | null;
  };
  minutes: { text: string; locked: boolean; lockedAt: string | null };
  chat: { id: string; userId: string; name: string; school: string; text: string; sentAt: string }[];
  polls: PollUpdateEvent[];
  rubric: {
    criteria: typeof DEFAULT_RUBRIC;
    aggregate: RubricAggregate;
    scorecards: { userId: string; name: string; school: string; scores: Record<string, number>; comment: string | null; updatedAt: string }[];
  };
  shares: ResourceSharedEvent[];
}

const SHANGHAI = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 'YYYY-MM-DD HH:mm:ss' in Beijing time (stored UTC, shown Asia/Shanghai). */
export function beijingDateTime(at: string | Date | null): string {
  if (!at) return '';
  const p = Object.fromEntries(SHANGHAI.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };

function sheet(workbook: ExcelJS.Workbook, name: string, columns: { header: string; key: string; width: number }[]): ExcelJS.Worksheet {
  const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns;
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).fill = HEADER_FILL;
  return ws;
}

/**
 * Text cells: a value starting with = + - @ would be read as a formula by spreadsheet programs (CSV/formula
 * injection from chat or minutes), so it gets a leading apostrophe-style guard (a zero-width-free single quote).
 */
function safe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const POLL_STATUS: Record<string, string> = { open: '进行中', closed: '已结束' };
const KIND_LABELS: Record<string, string> = {
  joint_research: '联合教研',
  training_to_county: '送培到县',
  training_to_school: '送培到校',
  demo_lesson: '示范课',
  same_lesson_different_designs: '同课异构',
  thematic_training: '专题培训',
};

/** The session record (活动记录) workbook: 纪要, 聊天记录, 投票结果, 评课汇总, 共享资源. */
export function buildRecordWorkbook(record: SessionRecord): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = '县中协作平台';
  wb.created = new Date();

  const minutes = sheet(wb, RECORD_SHEETS.minutes, [{ header: `${record.session.title}（${KIND_LABELS[record.session.kind] ?? record.session.kind}）纪要`, key: 'line', width: 100 }]);
  minutes.addRow({ line: `时间：${beijingDateTime(record.session.startsAt)} 至 ${beijingDateTime(record.session.endsAt)}（北京时间）` });
  minutes.addRow({ line: '' });
  for (const line of record.minutes.text.split(/\r?\n/)) minutes.addRow({ line: safe(line) });
  minutes.getColumn('line').alignment = { wrapText: true, vertical: 'top' };

  const chat = sheet(wb, RECORD_SHEETS.chat, [
    { header: '时间（北京时间）', key: 'sentAt', width: 20 },
    { header: '姓名', key: 'name', width: 14 },
    { header: '学校', key: 'school', width: 24 },
    { header: '内容', key: 'text', width: 80 },
  ]);
  for (const m of record.chat) chat.addRow({ sentAt: beijingDateTime(m.sentAt), name: m.name, school: m.school, text: safe(m.text) });

  const polls = sheet(wb, RECORD_SHEETS.polls, [
    { header: '投票', key: 'question', width: 40 },
    { header: '状态', key: 'status', width: 10 },
    { header: '选项', key: 'option', width: 30 },
    { header: '票数', key: 'votes', width: 10 },
    { header: '占比', key: 'share', width: 10 },
    { header: '投票人数', key: 'voters', width: 10 },
  ]);
  for (const p of record.polls) {
    p.poll.options.forEach((option, i) => {
      polls.addRow({
        question: safe(p.poll.question),
        status: POLL_STATUS[p.status] ?? p.status,
        option: safe(option),
        votes: p.tallies[i],
        share: p.totalVotes ? Math.round((p.tallies[i] / p.totalVotes) * 1000) / 1000 : 0,
        voters: p.voters,
      });
    });
  }
  polls.getColumn('share').numFmt = '0.0%';

  const rubric = sheet(wb, RECORD_SHEETS.rubric, [
    { header: '评价项目', key: 'label', width: 20 },
    { header: '权重', key: 'weight', width: 10 },
    { header: '平均分（1-10）', key: 'mean', width: 16 },
    { header: '评分人数', key: 'count', width: 10 },
  ]);
  for (const c of record.rubric.aggregate.criteria) rubric.addRow({ label: c.label, weight: c.weight, mean: c.mean ?? '', count: c.count });
  rubric.addRow({ label: '综合得分（百分制）', weight: 100, mean: record.rubric.aggregate.overall ?? '', count: record.rubric.aggregate.scorecards });
  rubric.addRow({});
  const head = rubric.addRow(['评课人', '学校', ...DEFAULT_RUBRIC.map((c) => c.label), '评语']);
  head.font = { bold: true };
  for (const card of record.rubric.scorecards) {
    rubric.addRow([card.name, card.school, ...DEFAULT_RUBRIC.map((c) => card.scores[c.key] ?? ''), safe(card.comment ?? '')]);
  }

  const shares = sheet(wb, RECORD_SHEETS.shares, [
    { header: '时间（北京时间）', key: 'sharedAt', width: 20 },
    { header: '资源', key: 'title', width: 40 },
    { header: '类型', key: 'type', width: 12 },
    { header: '分享人', key: 'by', width: 14 },
    { header: '地址', key: 'link', width: 60 },
  ]);
  for (const s of record.shares) shares.addRow({ sharedAt: beijingDateTime(s.sharedAt), title: safe(s.resource.title), type: s.resource.type, by: s.sharedBy.name, link: s.link });

  return wb;
}
