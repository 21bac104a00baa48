import type { Designation, Locality, OrganizationKind, Ownership } from '../organizations/organization.entity';

/** Guangyuan's 7 counties/districts (POLICY.md), with their administrative division codes. */
export const SEED_COUNTIES = [
  { name: '利州区', areaCode: '510802' },
  { name: '昭化区', areaCode: '510811' },
  { name: '朝天区', areaCode: '510812' },
  { name: '旺苍县', areaCode: '510821' },
  { name: '青川县', areaCode: '510822' },
  { name: '剑阁县', areaCode: '510823' },
  { name: '苍溪县', areaCode: '510824' },
] as const;

export type SeedCountyName = (typeof SEED_COUNTIES)[number]['name'];

/** The 2025 figures a school's three seeded years are derived from (see `seedStatsFor`). */
export interface SeedFigures2025 {
  students: number;
  /** Average class size; classes = students / this. */
  classSize: number;
  /** Students per full-time teacher; the policy target is 12.5 or fewer. */
  studentsPerTeacher: number;
  largestClass: number;
  funding: number;
  researchers: number;
}

export interface SeedSchool {
  name: string;
  county: SeedCountyName;
  /** Demo codes: the county's area code + a serial (real 学校标识码 are assigned by the ministry). */
  code: string;
  ownership: Ownership;
  locality: Locality;
  designation: Designation;
  isWeak: boolean;
  location: string;
  figures: SeedFigures2025;
}

/**
 * Guangyuan high schools for the demo. The three named in the policy (剑州中学, 旺苍东城中学, 剑门关高中) are the
 * weak county schools receiving aid; the others give the indicators data on both sides of each target
 * (class size over 55, teacher ratio worse than 1:12.5, funding under 1000 yuan).
 */
export const SEED_SCHOOLS: readonly SeedSchool[] = [
  { name: '剑州中学', county: '剑阁县', code: '5108230101', ownership: 'public', locality: 'county', designation: 'none', isWeak: true, location: '剑阁县普安镇',
    figures: { students: 2380, classSize: 57, studentsPerTeacher: 15.2, largestClass: 63, funding: 930, researchers: 2 } },
  { name: '旺苍东城中学', county: '旺苍县', code: '5108210102', ownership: 'public', locality: 'county', designation: 'none', isWeak: true, location: '旺苍县东河镇',
    figures: { students: 1960, classSize: 56, studentsPerTeacher: 14.6, largestClass: 61, funding: 960, researchers: 2 } },
  { name: '剑门关高中', county: '剑阁县', code: '5108230102', ownership: 'public', locality: 'county', designation: 'none', isWeak: true, location: '剑阁县下寺镇',
    figures: { students: 1620, classSize: 54, studentsPerTeacher: 13.8, largestClass: 58, funding: 980, researchers: 1 } },
  { name: '广元中学', county: '利州区', code: '5108020101', ownership: 'public', locality: 'urban', designation: 'provincial_level1_model', isWeak: false, location: '广元市利州区',
    figures: { students: 4380, classSize: 50, studentsPerTeacher: 11.4, largestClass: 55, funding: 1280, researchers: 8 } },
  { name: '广元市实验中学', county: '利州区', code: '5108020102', ownership: 'public', locality: 'urban', designation: 'provincial_level1_model', isWeak: false, location: '广元市利州区',
    figures: { students: 3620, classSize: 49, studentsPerTeacher: 11.8, largestClass: 54, funding: 1240, researchers: 6 } },
  { name: '八二一中学', county: '利州区', code: '5108020103', ownership: 'public', locality: 'urban', designation: 'provincial_level2_model', isWeak: false, location: '广元市利州区',
    figures: { students: 2150, classSize: 48, studentsPerTeacher: 12.1, largestClass: 52, funding: 1150, researchers: 4 } },
  { name: '宝轮中学', county: '利州区', code: '5108020104', ownership: 'public', locality: 'county', designation: 'provincial_level2_model', isWeak: false, location: '广元市利州区宝轮镇',
    figures: { students: 2480, classSize: 53, studentsPerTeacher: 13.1, largestClass: 57, funding: 1060, researchers: 3 } },
  { name: '元坝中学', county: '昭化区', code: '5108110101', ownership: 'public', locality: 'county', designation: 'provincial_level2_model', isWeak: false, location: '广元市昭化区元坝镇',
    figures: { students: 1880, classSize: 52, studentsPerTeacher: 12.9, largestClass: 56, funding: 1020, researchers: 2 } },
  { name: '朝天中学', county: '朝天区', code: '5108120101', ownership: 'public', locality: 'county', designation: 'characteristic_arts_sports', isWeak: false, location: '广元市朝天区',
    figures: { students: 1540, classSize: 47, studentsPerTeacher: 12.3, largestClass: 51, funding: 1100, researchers: 2 } },
  { name: '旺苍中学', county: '旺苍县', code: '5108210101', ownership: 'public', locality: 'county', designation: 'provincial_level1_model', isWeak: false, location: '旺苍县东河镇',
    figures: { students: 3460, classSize: 51, studentsPerTeacher: 12.2, largestClass: 55, funding: 1130, researchers: 4 } },
  { name: '嘉川中学', county: '旺苍县', code: '5108210103', ownership: 'public', locality: 'county', designation: 'none', isWeak: false, location: '旺苍县嘉川镇',
    figures: { students: 1520, classSize: 55, studentsPerTeacher: 13.5, largestClass: 59, funding: 990, researchers: 1 } },
  { name: '青川中学', county: '青川县', code: '5108220101', ownership: 'public', locality: 'county', designation: 'provincial_level2_model', isWeak: false, location: '青川县乔庄镇',
    figures: { students: 2260, classSize: 50, studentsPerTeacher: 12.0, largestClass: 54, funding: 1180, researchers: 3 } },
  { name: '剑阁中学', county: '剑阁县', code: '5108230103', ownership: 'public', locality: 'county', designation: 'provincial_level1_model', isWeak: false, location: '剑阁县下寺镇',
    figures: { students: 3980, classSize: 52, studentsPerTeacher: 12.4, largestClass: 56, funding: 1090, researchers: 5 } },
  { name: '白龙中学', county: '剑阁县', code: '5108230104', ownership: 'public', locality: 'county', designation: 'comprehensive', isWeak: false, location: '剑阁县白龙镇',
    figures: { students: 1680, classSize: 53, studentsPerTeacher: 13.2, largestClass: 57, funding: 1010, researchers: 1 } },
  { name: '苍溪中学', county: '苍溪县', code: '5108240101', ownership: 'public', locality: 'county', designation: 'provincial_level1_model', isWeak: false, location: '苍溪县陵江镇',
    figures: { students: 4160, classSize: 52, studentsPerTeacher: 12.6, largestClass: 56, funding: 1120, researchers: 5 } },
  { name: '苍溪实验中学', county: '苍溪县', code: '5108240102', ownership: 'public', locality: 'county', designation: 'characteristic_science_tech', isWeak: false, location: '苍溪县陵江镇',
    figures: { students: 2040, classSize: 50, studentsPerTeacher: 11.9, largestClass: 53, funding: 1200, researchers: 2 } },
  { name: '歧坪中学', county: '苍溪县', code: '5108240103', ownership: 'public', locality: 'county', designation: 'none', isWeak: false, location: '苍溪县歧坪镇',
    figures: { students: 1560, classSize: 55, studentsPerTeacher: 13.9, largestClass: 60, funding: 940, researchers: 1 } },
  { name: '广元外国语学校', county: '利州区', code: '5108020105', ownership: 'private', locality: 'urban', designation: 'characteristic_humanities', isWeak: false, location: '广元市利州区',
    figures: { students: 1720, classSize: 45, studentsPerTeacher: 11.2, largestClass: 48, funding: 1300, researchers: 2 } },
];

/** Partner bodies and city units named in the policy; they have no county. */
export const SEED_OTHER_ORGANIZATIONS: readonly { name: string; kind: OrganizationKind; location: string }[] = [
  { name: '广安烈面中学', kind: 'external_school', location: '广安市' },
  { name: '资阳安岳中学', kind: 'external_school', location: '资阳市' },
  { name: '北京化工大学', kind: 'university', location: '北京市' },
  { name: '市教育局', kind: 'government_unit', location: '广元市' },
  { name: '市财政局', kind: 'government_unit', location: '广元市' },
  { name: '市人力资源社会保障局', kind: 'government_unit', location: '广元市' },
  { name: '市发展改革委', kind: 'government_unit', location: '广元市' },
];

export const SEED_YEARS = [2023, 2024, 2025] as const;

/**
 * A school's figures for one seeded year, derived from its 2025 figures so the series is plausible: enrolment
 * grows a little each year, class sizes and ratios improve slowly, funding rises towards the 1000-yuan floor.
 */
export function seedStatsFor(figures: SeedFigures2025, year: (typeof SEED_YEARS)[number]) {
  const yearsBack = 2025 - year;
  const students = Math.round(figures.students * (1 - 0.03 * yearsBack));
  const classSize = figures.classSize + yearsBack; // larger classes in earlier years
  const classes = Math.max(1, Math.round(students / classSize));
  const teachers = Math.max(1, Math.round(students / (figures.studentsPerTeacher + 0.3 * yearsBack)));
  const largestClass = figures.largestClass + 2 * yearsBack;
  return {
    year,
    students,
    classes,
    teachers,
    largestClass,
    perStudentFunding: figures.funding - 40 * yearsBack,
    newEntryLargestClass: largestClass - 2,
    researchers: figures.researchers,
    notes: null,
  };
}
