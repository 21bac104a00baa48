import type { Role } from '@app/platform';

export interface DemoAccount {
  username: string;
  role: Role;
  /** Chinese name of the account's organization (as seeded). */
  organization: string;
  /** Chinese person name. */
  name: string;
  subject?: string;
}

/** The demo logins the seed creates (password: config.DEMO_PASSWORD); main.ts prints them at start-up. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'city.admin', role: 'city_admin', organization: '市教育局', name: '李建国' },
  { username: 'county.jiange', role: 'county_admin', organization: '剑阁县', name: '王志强' },
  { username: 'admin.jianzhou', role: 'school_admin', organization: '剑州中学', name: '张明华' },
  { username: 'teacher.jianzhou', role: 'teacher', organization: '剑州中学', name: '刘晓燕', subject: '数学' },
  { username: 'admin.dongcheng', role: 'school_admin', organization: '旺苍东城中学', name: '陈光荣' },
  { username: 'teacher.dongcheng', role: 'teacher', organization: '旺苍东城中学', name: '杨丽', subject: '语文' },
  { username: 'mentor.liemian', role: 'mentor', organization: '广安烈面中学', name: '周文博', subject: '物理' },
];
