import { beijingDateTime, buildRecordWorkbook, RECORD_SHEETS, SessionRecord } from './live-export.builder';
import { aggregateRubric, DEFAULT_RUBRIC } from './rubric/rubric';

const record = (over: Partial<SessionRecord> = {}): SessionRecord => ({
  session: {
    id: 's1',
    title: '联合教研',
    kind: 'joint_research',
    subject: '数学',
    hostOrganizationId: 'o1',
    startsAt: '2026-11-30T01:00:00.000Z',
    endsAt: '2026-11-30T03:00:00.000Z',
    status: 'ended',
    endedAt: '2026-11-30T03:00:00.000Z',
  },
  minutes: { text: '第一行\n+第二行', locked: false, lockedAt: null },
  chat: [{ id: 'm1', userId: 'u1', name: '杨丽', school: '旺苍东城中学', text: '@all 大家好', sentAt: '2026-11-30T01:02:03.000Z' }],
  polls: [],
  rubric: { criteria: DEFAULT_RUBRIC, aggregate: aggregateRubric([]), scorecards: [] },
  shares: [],
  ...over,
});

describe('beijingDateTime', () => {
  it('shows a UTC instant in Beijing time with seconds', () => {
    expect(beijingDateTime('2026-11-30T16:30:05.000Z')).toBe('2026-12-01 00:30:05');
    expect(beijingDateTime(null)).toBe('');
  });
});

describe('buildRecordWorkbook', () => {
  it('has the record sheets in order', () => {
    expect(buildRecordWorkbook(record()).worksheets.map((s) => s.name)).toEqual([RECORD_SHEETS.minutes, RECORD_SHEETS.chat, RECORD_SHEETS.polls, RECORD_SHEETS.rubric, RECORD_SHEETS.shares]);
  });

  it('writes minutes one line per row and keeps formula-like text as text', () => {
    const wb = buildRecordWorkbook(record());
    const minutes = wb.getWorksheet(RECORD_SHEETS.minutes)!;
    expect(minutes.getRow(4).getCell(1).value).toBe('第一行');
    expect(minutes.getRow(5).getCell(1).value).toBe("'+第二行");
    const chat = wb.getWorksheet(RECORD_SHEETS.chat)!;
    expect((chat.getRow(2).values as unknown[]).slice(1)).toEqual(['2026-11-30 09:02:03', '杨丽', '旺苍东城中学', "'@all 大家好"]);
  });

  it('leaves the mean and overall empty before anyone scored', () => {
    const rubric = buildRecordWorkbook(record()).getWorksheet(RECORD_SHEETS.rubric)!;
    expect((rubric.getRow(8).values as unknown[]).slice(1)).toEqual(['综合得分（百分制）', 100, '', 0]);
  });
});
