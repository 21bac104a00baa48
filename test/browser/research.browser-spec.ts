import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { TestApp } from '../utils/create-app';
import { browserSuite, makePdf, PHONE, shot } from './support';

/**
 * The research pages of the console (issue 6 item 6) in Debian's headless Chromium against the real api: the
 * calendar, a session's detail with RSVP and the iCal link, and the live room with two browser contexts (two
 * schools) chatting, raising a hand, editing the minutes, surviving a forced disconnect and seeing the session end.
 * Screenshots go to test-artifacts/screenshots/ (also one of the library with a few resources made in the setup).
 */
describe('research pages and the live room (browser)', () => {
  const suite = browserSuite();
  const { as, post, get, waitForStatus, newPage, signIn } = suite;
  let t: TestApp;
  const names: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const tag = randomBytes(2).toString('hex');

  /** Waits until no chat message of this page is still pending or failed (each went out and came back). */
  async function noneWaiting(page: Page): Promise<void> {
    await page.getByTestId('chat-outgoing').first().waitFor({ state: 'detached' });
  }

  /** Waits until the shared minutes textarea shows what `ok` accepts. */
  async function minutesShow(page: Page, ok: (value: string) => boolean): Promise<void> {
    let last = '';
    for (let i = 0; i < 100; i++) {
      last = await page.getByTestId('minutes').inputValue();
      if (ok(last)) return;
      await page.waitForTimeout(100);
    }
    throw new Error(`minutes show ${JSON.stringify(last)}`);
  }

  /** A session hosted by 剑州中学 with 旺苍东城中学 invited, `offsetMin` from now, made by teacher.jianzhou. */
  async function schedule(title: string, offsetMin: number, durationMin: number, extra: object = {}): Promise<string> {
    const start = Date.now() + offsetMin * 60_000;
    const res = await post('teacher.jianzhou', 'research-sessions', {
      kind: 'same_lesson_different_designs',
      title,
      subject: '数学',
      hostOrganizationId: ids.jianzhou,
      invitedOrganizationIds: [ids.dongcheng],
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + durationMin * 60_000).toISOString(),
      online: true,
      venue: '剑州中学录播教室',
      trainingLevel: 'county',
      creditHours: 2,
      ...extra,
    });
    if (res.status !== 201) throw new Error(`schedule failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  beforeAll(async () => {
    const users = ['city.admin', 'county.jiange', 'teacher.jianzhou', 'teacher.dongcheng'];
    t = await suite.start({ users });
    for (const who of users) {
      const me = (await get(who, 'me').expect(200)).body;
      names[who] = me.name;
      if (who.startsWith('teacher.')) ids[who.slice('teacher.'.length)] = me.organization.id;
    }

    // Library content as teachers would put it there: uploaded, then approved by the county.
    const resources = [
      { title: `高一数学《函数的单调性》教学设计`, subject: '数学', grade: '高一', type: 'lesson_plan', edition: '人教A版', tags: ['函数', '单调性'] },
      { title: `高一数学《函数的单调性》同课异构课件`, subject: '数学', grade: '高一', type: 'courseware', edition: '人教A版', tags: ['同课异构'] },
      { title: `高二物理 电磁感应 导学案`, subject: '物理', grade: '高二', type: 'study_guide', edition: '人教版', tags: ['电磁感应'] },
      { title: `高三语文 古诗文阅读专项训练`, subject: '语文', grade: '高三', type: 'exam_paper', edition: '统编版', tags: ['高考复习'] },
    ];
    const made: string[] = [];
    for (const [i, r] of resources.entries()) {
      const res = await post('teacher.jianzhou', 'resources', { ...r, visibility: 'city', description: '剑州中学教研组整理，供共同体学校参考使用。' }).expect(201);
      await t.http().post(`/api/v1/resources/${res.body.id}/content`).set(as('teacher.jianzhou')).attach('file', makePdf(`resource ${i} ${tag}`), { filename: `${r.title}.pdf`, contentType: 'application/pdf' }).expect(202);
      made.push(res.body.id);
    }
    for (const id of made) {
      await waitForStatus(id, 'pending_review');
      await post('county.jiange', `resources/${id}/review`, { decision: 'approve' }).expect(200);
    }
    ids.resource = made[0];

    ids.live = await schedule(`同课异构：函数的单调性${tag}`, -2, 120, {
      agenda: [{ title: '剑州中学 说课', minutes: 15 }, { title: '东城中学 说课', minutes: 15 }, { title: '集体评课与研讨', minutes: 40 }],
      resourceIds: made.slice(0, 2),
    });
    ids.soon = await schedule(`联合教研：高二物理电磁感应复习${tag}`, 24 * 60, 90, { kind: 'joint_research', subject: '物理' });
    ids.later = await schedule(`专题培训：新高考选科指导${tag}`, 2 * 24 * 60, 120, { kind: 'thematic_training', subject: null });
  }, 180000);

  afterAll(() => suite.stop());

  it('shows the library with teachers\u2019 resources', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'teacher.dongcheng');
    await page.goto(`${t.url}/library`);
    await page.getByText(`高一数学《函数的单调性》教学设计`).first().waitFor();
    await shot(page, '20-library');
    await context.close();
  });

  it('shows the calendar by week and month, and a session with RSVP and the iCal link', async () => {
    const { context, page } = await newPage();
    await signIn(page, 'teacher.dongcheng');
    // Teacher home lists the upcoming session and links to it.
    await page.getByTestId('upcoming-sessions').getByRole('link', { name: `联合教研：高二物理电磁感应复习${tag}` }).waitFor();
    await page.goto(`${t.url}/research`);
    const week = page.getByTestId('calendar-week');
    await week.getByText(`同课异构：函数的单调性${tag}`).waitFor();
    await shot(page, '21-research-calendar-week');
    await page.getByText('月', { exact: true }).click();
    await page.getByTestId('calendar-month').getByText(`同课异构：函数的单调性${tag}`).waitFor();
    await shot(page, '22-research-calendar-month');

    await page.getByTestId('calendar-month').getByText(`同课异构：函数的单调性${tag}`).click();
    await page.getByTestId('session-title').getByText(`同课异构：函数的单调性${tag}`).waitFor();
    await page.getByText('剑州中学 说课').waitFor();
    await page.getByRole('link', { name: `高一数学《函数的单调性》教学设计` }).waitFor();
    expect(await page.getByTestId('my-rsvp').textContent()).toBe('未回复');
    await page.getByRole('button', { name: /^参\s*加$/ }).click();
    await page.getByTestId('my-rsvp').getByText('参加', { exact: true }).waitFor();
    const view = (await get('teacher.dongcheng', `research-sessions/${ids.live}`).expect(200)).body;
    expect(view.myRsvp).toBe('accept');
    await page.getByRole('button', { name: /订阅日历/ }).click();
    const url = (await page.getByTestId('ical-url').textContent())!;
    expect(url).toMatch(/\/api\/v1\/calendar\/[A-Za-z0-9_-]{20,100}\.ics$/);
    // The link is a working feed with the session in it.
    const ics = await t.http().get(new URL(url).pathname).expect(200);
    expect(ics.text).toContain('BEGIN:VCALENDAR');
    expect(ics.text).toContain(ids.live);
    // A participant is no moderator: no attendance table, no end/cancel.
    expect(await page.getByRole('button', { name: '结束活动' }).count()).toBe(0);
    await shot(page, '23-research-session-detail');
    await context.close();
  });

  it("lets a host school teacher schedule a session through the form", async () => {
    const { context, page } = await newPage();
    await signIn(page, 'teacher.jianzhou');
    await page.goto(`${t.url}/research/new`);
    const title = `青蓝工程：高一英语读写课示范${tag}`;
    await page.getByLabel('活动名称').fill(title);
    await page.getByLabel('议程 1', { exact: true }).fill('示范课：读写结合');
    const day = new Date(Date.now() + 3 * 86400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    // The range picker takes typed dates in its own format; its 确定 button confirms each end.
    const ends = page.locator('.ant-picker-input input');
    await ends.first().click();
    await ends.first().fill(`${day} 14:00`);
    await page.locator('.ant-picker-ok button').click();
    await ends.nth(1).fill(`${day} 16:00`);
    await page.locator('.ant-picker-ok button').click();
    await page.getByRole('button', { name: '安排活动' }).click();
    await page.getByTestId('session-title').getByText(title).waitFor();
    await page.getByText('示范课：读写结合').waitFor();
    // The creator moderates: attendance and end/cancel are there.
    await page.getByTestId('attendance').waitFor();
    await page.getByRole('button', { name: '取消活动' }).waitFor();
    const list = (await get('teacher.jianzhou', 'research-sessions').query({ from: new Date().toISOString(), to: new Date(Date.now() + 7 * 86400_000).toISOString() }).expect(200)).body;
    const made = list.items.find((s: { title: string }) => s.title === title);
    expect(made).toBeDefined();
    expect(made.startsAtLocal).toBe(`${day} 14:00`);
    await context.close();
  });

  it('fits the research pages on a 390 px wide phone screen without sideways scrolling', async () => {
    const open = await schedule(`青蓝工程：师徒同课${tag}`, -1, 45, { kind: 'demo_lesson', agenda: [{ title: '徒弟上课', minutes: 40 }] });
    const { context, page } = await newPage(PHONE);
    await signIn(page, 'teacher.dongcheng');
    const pages: [string, string][] = [
      ['/research', `联合教研：高二物理电磁感应复习${tag}`],
      [`/research/${ids.soon}`, '受邀单位与人员'],
      [`/research/${open}/live`, '讨论区'],
    ];
    for (const [path, text] of pages) {
      await page.goto(`${t.url}${path}`);
      await page.getByText(text).first().waitFor();
      const fits = await page.evaluate('document.scrollingElement.scrollWidth <= window.innerWidth');
      expect({ path, fits }).toEqual({ path, fits: true });
    }
    await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
    await shot(page, '27-live-room-phone');
    await context.close();
  });

  it('shares a library resource with the room from the picker; the other school sees it at once and opens it', async () => {
    const a = await newPage();
    const b = await newPage();
    await signIn(a.page, 'teacher.jianzhou');
    await signIn(b.page, 'teacher.dongcheng');
    await a.page.goto(`${t.url}/research/${ids.live}/live`);
    await b.page.goto(`${t.url}/research/${ids.live}/live`);
    for (const { page } of [a, b]) await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
    const title = '高二物理 电磁感应 导学案';
    await a.page.getByLabel('选择要共享的资源').fill('电磁感应');
    await a.page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: title }).first().click();
    await a.page.getByRole('button', { name: /^共\s*享$/ }).click();
    await b.page.getByTestId('shares').getByText(title).waitFor();
    await a.page.getByTestId('shares').getByText(title).waitFor();
    await shot(b.page, '26b-live-room-shared-resource');
    await b.page.getByTestId('shares').getByRole('link', { name: title }).click();
    await b.page.waitForURL(/\/library\/[0-9a-f-]{36}$/);
    await b.page.getByText(title).first().waitFor();
    await a.context.close();
    await b.context.close();
  });

  it('puts two schools in one live room: presence, chat both ways, a raised hand, minutes, a forced disconnect and a clean rejoin', async () => {
    const a = await newPage(); // teacher.jianzhou: created the session, so moderates it
    const b = await newPage(); // teacher.dongcheng: invited school
    await signIn(a.page, 'teacher.jianzhou');
    await signIn(b.page, 'teacher.dongcheng');
    await a.page.goto(`${t.url}/research/${ids.live}/live`);
    await b.page.goto(`${t.url}/research/${ids.live}/live`);
    for (const { page } of [a, b]) await page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();

    // Presence: each sees the other, with school.
    await a.page.getByTestId('presence').getByText(names['teacher.dongcheng']).waitFor();
    await b.page.getByTestId('presence').getByText(names['teacher.jianzhou']).waitFor();
    await b.page.getByTestId('presence').getByText('旺苍东城中学', { exact: false }).first().waitFor();

    // Chat both ways.
    await a.page.getByLabel('输入消息').fill('各位老师好，欢迎参加同课异构活动');
    await a.page.getByLabel('输入消息').press('Enter');
    await b.page.getByTestId('chat-list').getByText('各位老师好，欢迎参加同课异构活动').waitFor();
    await b.page.getByLabel('输入消息').fill('东城中学数学组已就位');
    await b.page.getByRole('button', { name: /^发\s*送$/ }).click();
    await a.page.getByTestId('chat-list').getByText('东城中学数学组已就位').waitFor();
    await noneWaiting(a.page);

    // A raised hand reaches the moderator, who gives the floor.
    await b.page.getByRole('button', { name: /^举\s*手$/ }).click();
    await a.page.getByTestId('hand-queue').getByText(names['teacher.dongcheng'], { exact: false }).waitFor();
    await a.page.getByRole('button', { name: '请发言' }).click();
    await b.page.getByText(`正在发言：${names['teacher.dongcheng']}`).waitFor();

    // Shared minutes: both type; each sees the other's text.
    await a.page.getByTestId('minutes').click();
    await a.page.keyboard.type('一、说课要点：');
    await minutesShow(b.page, (v) => v.includes('一、说课要点：'));
    await b.page.getByTestId('minutes').click();
    await b.page.keyboard.press('End');
    await b.page.keyboard.type('单调性定义的引入');
    await minutesShow(a.page, (v) => v === '一、说课要点：单调性定义的引入');

    // Agenda: the host starts it and moves on; the other side follows.
    await b.page.getByTestId('current-agenda').getByText('尚未开始').waitFor();
    await a.page.getByRole('button', { name: '开始议程' }).click();
    await b.page.getByTestId('current-agenda').getByText('剑州中学 说课').waitFor();
    await a.page.getByRole('button', { name: '下一项议程' }).click();
    await b.page.getByTestId('current-agenda').getByText('东城中学 说课').waitFor();

    // A poll from the host: the other side votes and the host sees the live tally.
    await a.page.getByLabel('投票问题').fill('本节课哪个环节最值得借鉴？');
    await a.page.getByLabel('投票选项').fill('定义的引入\n图像观察\n例题设计');
    await a.page.getByRole('button', { name: '发起投票' }).click();
    const bPoll = b.page.getByTestId('poll').filter({ hasText: '本节课哪个环节最值得借鉴？' });
    await bPoll.getByLabel('图像观察').check();
    await bPoll.getByRole('button', { name: /^投\s*票$/ }).click();
    await a.page.getByTestId('poll').filter({ hasText: '1 人投票' }).waitFor();
    await a.page.getByTestId('poll').getByText('1 票').waitFor();

    // The evaluation rubric: one observer scores; the aggregate reaches the host.
    const scores: Record<string, number> = { 教学目标: 9, 教学内容: 8, 教学方法与手段: 9, 课堂互动: 7, 教学效果: 8, 教师素养: 10 };
    for (const [label, v] of Object.entries(scores)) await b.page.getByLabel(`${label}评分`).fill(String(v));
    await b.page.getByRole('button', { name: '提交评分' }).click();
    // Weighted: (15*9 + 20*8 + 20*9 + 15*7 + 20*8 + 10*10) / 10 = 84.
    await a.page.getByText('综合 84 分（1 人）').waitFor();
    await shot(a.page, '24-live-room-host');

    // Forced disconnect of A: the reconnecting state shows; B chats meanwhile; A's own message waits.
    await a.context.setOffline(true);
    await a.page.locator('[data-testid="connection-state"][data-state="reconnecting"]').waitFor();
    await a.page.getByText('正在重新连接…').first().waitFor();
    await b.page.getByTestId('presence').getByText(names['teacher.jianzhou']).waitFor({ state: 'detached' });
    await b.page.getByLabel('输入消息').fill('刚才断线期间：请剑州中学补充板书设计');
    await b.page.getByLabel('输入消息').press('Enter');
    await b.page.getByTestId('chat-list').getByText('刚才断线期间：请剑州中学补充板书设计').waitFor();
    await a.page.getByLabel('输入消息').fill('我这边网络刚恢复');
    await a.page.getByLabel('输入消息').press('Enter');
    await a.page.locator('[data-testid="chat-outgoing"][data-status="pending"]').waitFor();
    await shot(a.page, '25-live-room-reconnecting');
    await a.context.setOffline(false);

    // Rejoin: connected again, the missed message is there, the waiting one went out once, presence is back.
    await a.page.locator('[data-testid="connection-state"][data-state="connected"]').waitFor();
    await a.page.getByTestId('chat-list').getByText('刚才断线期间：请剑州中学补充板书设计').waitFor();
    await b.page.getByTestId('chat-list').getByText('我这边网络刚恢复').waitFor();
    await b.page.getByTestId('presence').getByText(names['teacher.jianzhou']).waitFor();
    await noneWaiting(a.page);
    await b.page.waitForTimeout(500);
    expect(await b.page.getByTestId('chat-list').getByText('我这边网络刚恢复').count()).toBe(1);
    expect(await a.page.getByTestId('chat-list').getByText('我这边网络刚恢复').count()).toBe(1);
    expect(await a.page.getByTestId('chat-list').getByText('刚才断线期间：请剑州中学补充板书设计').count()).toBe(1);
    // The minutes survived the reconnect on both sides.
    expect(await a.page.getByTestId('minutes').inputValue()).toBe('一、说课要点：单调性定义的引入');
    await shot(b.page, '26-live-room-participant');

    // The host ends the session: both see it, and the room stops taking messages.
    await a.page.getByRole('button', { name: '结束活动' }).click();
    await a.page.locator('.ant-modal-confirm').getByRole('button', { name: /^结\s*束$/ }).click();
    await a.page.getByTestId('session-ended').waitFor();
    await b.page.getByTestId('session-ended').waitFor();
    expect(await b.page.getByLabel('输入消息').isDisabled()).toBe(true);
    const view = (await get('teacher.jianzhou', `research-sessions/${ids.live}`).expect(200)).body;
    expect(view.status).toBe('ended');
    await a.context.close();
    await b.context.close();
  }, 120000);
});
