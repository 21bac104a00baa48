import type { ComputedSource, IndicatorCadence, IndicatorDirection, IndicatorLevel } from './indicator-definition.entity';

export interface IndicatorSeed {
  key: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  direction: IndicatorDirection;
  target: number | null;
  deadlineYear: number | null;
  cadence: IndicatorCadence;
  level: IndicatorLevel;
  computedFrom: ComputedSource | null;
  neverLowered?: boolean;
  note: string;
}

/**
 * The policy's indicator table (POLICY.md, "Indicators with targets"), one row per measurable line. The four
 * the yearly school figures support are computed from SchoolYearStats; the others are entered with a source.
 * Percentages are stored as 0-100; milestones (direction 'done') take 1 for done and 0 for not yet.
 */
export const INDICATOR_CATALOGUE: readonly IndicatorSeed[] = [
  { key: 'gross_enrolment_rate', nameZh: '高中阶段教育毛入学率', nameEn: 'Senior-secondary gross enrolment rate', unit: '%',
    direction: 'at_least', target: 96, deadlineYear: 2025, cadence: 'by_deadline', level: 'city', computedFrom: null,
    note: '全市高中阶段教育毛入学率达到96%以上' },
  { key: 'quota_to_schools_share', nameZh: '优质普通高中招生指标到校比例', nameEn: 'Share of quality high-school places allocated to schools', unit: '%',
    direction: 'at_least', target: 50, deadlineYear: null, cadence: 'ongoing', level: 'county', computedFrom: null,
    note: '指标到校比例不低于50%' },
  { key: 'teacher_student_ratio', nameZh: '师生比（每位专任教师对应学生数）', nameEn: 'Students per full-time teacher', unit: '人',
    direction: 'at_most', target: 12.5, deadlineYear: 2023, cadence: 'by_deadline', level: 'school', computedFrom: 'students_per_teacher',
    note: '师生比达到1:12.5' },
  { key: 'researcher_training_hours', nameZh: '教研员年度培训学时', nameEn: 'Training hours per researcher a year', unit: '学时',
    direction: 'at_least', target: 72, deadlineYear: null, cadence: 'yearly', level: 'school', computedFrom: null,
    note: '教研员每年培训不少于72学时' },
  { key: 'largest_class_size', nameZh: '最大班额', nameEn: 'Largest class size', unit: '人',
    direction: 'at_most', target: 55, deadlineYear: 2023, cadence: 'by_deadline', level: 'school', computedFrom: 'largest_class',
    note: '消除56人以上大班额（班额不超过55人）' },
  { key: 'school_size', nameZh: '学校规模（在校生数）', nameEn: 'School size (students enrolled)', unit: '人',
    direction: 'at_most', target: 5000, deadlineYear: 2025, cadence: 'by_deadline', level: 'school', computedFrom: 'students',
    note: '学校规模不超过5000人，新建学校不超过3000人' },
  { key: 'per_student_funding', nameZh: '生均公用经费', nameEn: 'Per-student public funding', unit: '元/年',
    direction: 'at_least', target: 1000, deadlineYear: null, cadence: 'yearly', level: 'school', computedFrom: 'per_student_funding',
    neverLowered: true, note: '生均公用经费每年不低于1000元，且只增不减' },
  { key: 'new_high_schools', nameZh: '新建、改扩建普通高中', nameEn: 'New, rebuilt or expanded high schools', unit: '所',
    direction: 'at_least', target: 12, deadlineYear: 2025, cadence: 'by_deadline', level: 'city', computedFrom: null,
    note: '新建、改扩建普通高中12所' },
  { key: 'provincial_level1_models', nameZh: '创建省一级示范性普通高中', nameEn: 'Provincial level-1 model high schools created', unit: '所',
    direction: 'at_least', target: 6, deadlineYear: 2025, cadence: 'by_deadline', level: 'city', computedFrom: null,
    note: '创建省一级示范性普通高中6所' },
  { key: 'provincial_level2_models', nameZh: '新增省二级示范性普通高中', nameEn: 'New provincial level-2 model high schools', unit: '所',
    direction: 'at_least', target: 6, deadlineYear: 2025, cadence: 'by_deadline', level: 'city', computedFrom: null,
    note: '新增省二级示范性普通高中6所' },
  { key: 'face_recognition_gates', nameZh: '校门口联网人脸识别监控覆盖率', nameEn: 'School gates with networked face-recognition cameras', unit: '%',
    direction: 'at_least', target: 100, deadlineYear: 2025, cadence: 'by_deadline', level: 'school', computedFrom: null,
    note: '学校大门口人脸识别联网监控100%覆盖' },
  { key: 'smart_canteens', nameZh: '"智慧食堂"达标率', nameEn: 'Canteens meeting the smart-kitchen standard', unit: '%',
    direction: 'at_least', target: 100, deadlineYear: 2025, cadence: 'by_deadline', level: 'school', computedFrom: null,
    note: '学校食堂100%达到"智慧食堂"标准' },
  { key: 'emergency_platform', nameZh: '县级应急指挥（安全管理）平台', nameEn: 'County emergency command / security platform', unit: '',
    direction: 'done', target: null, deadlineYear: 2023, cadence: 'by_deadline', level: 'county', computedFrom: null,
    note: '建成县级应急指挥平台' },
  { key: 'weak_school_standardisation', nameZh: '薄弱学校标准化建设及布局调整', nameEn: 'Standardisation and layout adjustment of weak schools', unit: '',
    direction: 'done', target: null, deadlineYear: 2025, cadence: 'by_deadline', level: 'school', computedFrom: null,
    note: '完成薄弱学校标准化建设和布局调整' },
];
