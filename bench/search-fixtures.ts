/**
 * Deterministic, realistic resource rows for the search benchmark: Chinese titles, descriptions and tags built from
 * the senior-high subjects, their usual topics, resource types and editions, so bigram frequencies look like a real
 * library's (some terms such as 教学 or 高一 are in a large share of rows, topic terms in a few hundred, rare
 * ones in a handful).
 */
import { randomUUID } from 'node:crypto';
import type { ResourceGrade, ResourceSubject, ResourceType } from '../libs/domain/src/resources/resource.entity';

/** mulberry32: a small seeded PRNG, so every run generates the same rows. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

export const TOPICS: Record<string, string[]> = {
  语文: ['沁园春长沙', '荷塘月色', '劝学', '师说', '赤壁赋', '文言文阅读', '古代诗歌鉴赏', '现代文阅读', '议论文写作', '红楼梦整本书阅读', '乡土中国', '论语十二章', '鸿门宴', '雷雨', '记叙文写作'],
  数学: ['集合与常用逻辑用语', '函数的概念与性质', '指数函数与对数函数', '三角函数', '平面向量', '复数', '立体几何初步', '统计', '概率', '数列', '导数及其应用', '空间向量', '直线和圆的方程', '圆锥曲线', '计数原理'],
  英语: ['Unit 1 Teenage Life', 'Unit 2 Travelling Around', 'Unit 3 Sports and Fitness', '英语阅读理解', '完形填空技巧', '书面表达', '语法填空', '定语从句', '非谓语动词', '听力训练', '读后续写', '概要写作', 'Unit 4 Natural Disasters', 'Unit 5 Music', '词汇教学'],
  物理: ['运动的描述', '匀变速直线运动', '相互作用力', '牛顿运动定律', '曲线运动', '万有引力与宇宙航行', '机械能守恒定律', '静电场', '电路及其应用', '电磁感应', '动量守恒定律', '机械振动', '光的折射', '热力学定律', '原子结构'],
  化学: ['物质的分类及转化', '离子反应', '氧化还原反应', '钠及其化合物', '物质的量', '元素周期律', '化学键', '铁及其化合物', '化学反应速率', '化学平衡', '电化学基础', '有机化合物', '烃的衍生物', '水溶液中的离子平衡', '实验探究'],
  生物: ['细胞的分子组成', '细胞的结构', '细胞的能量供应', '光合作用', '细胞呼吸', '有丝分裂', '减数分裂', '遗传的基本规律', '基因的表达', '生物的变异', '生物的进化', '稳态与调节', '种群和群落', '生态系统', '生物技术与工程'],
  思想政治: ['中国特色社会主义', '经济与社会', '政治与法治', '哲学与文化', '当代国际政治与经济', '法律与生活', '逻辑与思维', '社会主义核心价值观', '新发展理念', '全过程人民民主', '依法治国', '文化自信', '唯物辩证法', '认识论', '市场经济'],
  历史: ['中华文明的起源', '秦汉大一统', '三国两晋南北朝', '隋唐盛世', '宋元时期', '明清中国', '鸦片战争', '辛亥革命', '五四运动', '中国共产党成立', '抗日战争', '新中国成立', '改革开放', '世界古代文明', '两次世界大战'],
  地理: ['地球的宇宙环境', '大气的组成与垂直分层', '水循环', '地貌', '植被与土壤', '自然灾害', '人口分布', '城镇化', '农业区位', '工业区位', '交通运输布局', '区域发展', '资源安全', '地理信息技术', '乡村振兴'],
  信息技术: ['数据与计算', '算法初步', 'Python程序设计', '信息系统与社会', '网络基础', '数据结构', '人工智能初步', '移动应用设计', '三维设计与创意', '开源硬件项目设计', '信息安全', '数据库应用', '多媒体技术', '编程思维', '物联网'],
  通用技术: ['技术与设计', '设计的一般过程', '工程图样', '结构与设计', '流程与设计', '系统与设计', '控制与设计', '电子控制技术', '机器人设计', '创造力开发', '材料与工艺', '木工制作', '金属加工', '技术试验', '产品测试'],
  音乐: ['音乐鉴赏', '歌唱', '演奏', '音乐编创', '音乐与舞蹈', '音乐与戏剧', '中国民族民间音乐', '西方古典音乐', '流行音乐', '合唱指挥', '川剧欣赏', '钢琴基础', '乐理知识', '节奏训练', '视唱练耳'],
  美术: ['美术鉴赏', '绘画', '中国书画', '雕塑', '设计', '工艺', '现代媒体艺术', '素描基础', '色彩构成', '书法临摹', '篆刻', '剪纸', '版画', '摄影', '建筑艺术'],
  体育与健康: ['田径', '篮球', '足球', '排球', '乒乓球', '羽毛球', '体操', '武术', '健美操', '游泳', '体能训练', '健康教育', '运动损伤预防', '太极拳', '跳绳'],
};

export const TYPE_LABELS: Record<string, string> = {
  lesson_plan: '教案',
  courseware: '课件',
  micro_lecture: '微课',
  study_guide: '学案',
  exam_paper: '试卷',
  other: '素材',
};

export const EDITIONS = ['人教版', '人教A版', '人教B版', '北师大版', '苏教版', '湘教版', '鲁科版', '外研版', '部编版', '沪科版'];
const GRADES = ['高一', '高二', '高三'];
const TAGS = ['新课标', '新教材', '核心素养', '大单元教学', '公开课', '优质课', '期中复习', '期末复习', '高考备考', '课后作业', '分层作业', '教学设计', '说课稿', '导学案', '实验', '项目式学习', '情境教学', '思维导图', '微课视频', '同步练习'];
const OPENINGS = ['本资源围绕', '本节课以', '本课件聚焦', '本学案针对', '本套试题考查', '本微课讲解', '本教案设计了'];
const MIDDLES = [
  '展开教学，注重学生核心素养的培养',
  '为主线，设计了情境导入、合作探究和课堂小结',
  '的重点难点，配有典型例题和变式训练',
  '的基础知识与基本技能，难度适中',
  '的学习目标，包含课前预习、课堂活动与课后反思',
  '设计问题链，引导学生自主学习与合作交流',
];
const CLOSINGS = [
  '适合县域普通高中使用。',
  '可供集体备课参考。',
  '附有答案与评分标准。',
  '由帮扶学校教研组共同打磨。',
  '已在公开课中使用，效果良好。',
  '配套练习可根据学情分层布置。',
  '欢迎各校老师下载交流。',
];

/** Terms the benchmark queries, by how many characters they have; they occur at very different frequencies. */
export const QUERY_KEYWORDS: Record<2 | 3 | 4, string[]> = {
  2: ['函数', '细胞', '教学', '川剧', '高一'],
  3: ['化学键', '三角函', '文言文', '牛顿运'],
  4: ['牛顿运动', '光合作用', '氧化还原', '红楼梦整'],
};

export interface FixtureOrg {
  id: string;
  countyId: string | null;
}

export interface FixtureUser {
  id: string;
  organizationId: string;
}

export interface ResourceRow {
  id: string;
  title: string;
  description: string;
  type: ResourceType;
  subject: ResourceSubject;
  grade: ResourceGrade;
  edition: string;
  chapter: string;
  tags: string[];
  organizationId: string;
  ownerCountyId: string | null;
  uploaderId: string;
  visibility: 'city' | 'partnership' | 'school';
  status: 'draft' | 'processing' | 'pending_review' | 'published' | 'rejected';
  downloadCount: number;
  createdAt: Date;
}

/**
 * `count` rows owned by the given schools and uploaded by their users (the first user of each school); 85 %
 * published, 70 % city-visible; creation times spread over the last two years, one row per ~10 minutes.
 */
export function generateResources(count: number, schools: FixtureOrg[], uploaders: FixtureUser[], seed = 42): ResourceRow[] {
  const r = rng(seed);
  const subjects = Object.keys(TOPICS);
  const types = Object.keys(TYPE_LABELS);
  const byOrg = new Map<string, string>();
  for (const u of uploaders) if (!byOrg.has(u.organizationId)) byOrg.set(u.organizationId, u.id);
  const owners = schools.filter((s) => byOrg.has(s.id));
  if (!owners.length) throw new Error('no school has a user to upload with');
  const start = Date.now() - count * 600_000;
  const rows: ResourceRow[] = [];
  for (let i = 0; i < count; i++) {
    const subject = pick(r, subjects);
    const topic = pick(r, TOPICS[subject]);
    const type = pick(r, types);
    const grade = pick(r, GRADES);
    const edition = pick(r, EDITIONS);
    const owner = pick(r, owners);
    const lesson = 1 + Math.floor(r() * 4);
    const title = pick(r, [
      `${grade}${subject}${topic}${TYPE_LABELS[type]}`,
      `${topic}（第${lesson}课时）${TYPE_LABELS[type]}`,
      `${edition}${subject}${grade}《${topic}》${TYPE_LABELS[type]}`,
    ]);
    const description = `${pick(r, OPENINGS)}“${topic}”${pick(r, MIDDLES)}，${pick(r, CLOSINGS)}` + (r() < 0.5 ? `${pick(r, OPENINGS)}${subject}${pick(r, MIDDLES)}。` : '');
    const tags = [...new Set([topic.slice(0, 20), pick(r, TAGS), pick(r, TAGS)])].slice(0, 2 + Math.floor(r() * 2));
    const s = r();
    const status = s < 0.85 ? 'published' : s < 0.9 ? 'pending_review' : s < 0.95 ? 'draft' : 'rejected';
    const v = r();
    const visibility = v < 0.7 ? 'city' : v < 0.85 ? 'partnership' : 'school';
    rows.push({
      id: randomUUID(),
      title: title.slice(0, 200),
      description,
      // The fixtures draw from the same lists as the entity's types.
      type: type as ResourceType,
      subject: subject as ResourceSubject,
      grade: grade as ResourceGrade,
      edition,
      chapter: `第${1 + Math.floor(r() * 8)}章 ${topic}`.slice(0, 100),
      tags,
      organizationId: owner.id,
      ownerCountyId: owner.countyId,
      uploaderId: byOrg.get(owner.id)!,
      visibility,
      status,
      downloadCount: Math.floor(r() ** 3 * 500),
      createdAt: new Date(start + i * 600_000 + Math.floor(r() * 1000)),
    });
  }
  return rows;
}
