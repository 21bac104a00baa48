// Shapes of the issue-5 research API (libs/domain/src/research/sessions/research-sessions.dto.ts and the /live
// protocol), kept to the fields the console reads.

export const KIND_LABELS: Record<string, string> = {
  joint_research: '联合教研',
  training_to_county: '送培到县',
  training_to_school: '送培到校',
  demo_lesson: '示范课',
  same_lesson_different_designs: '同课异构',
  thematic_training: '专题培训',
};
export const LEVEL_LABELS: Record<string, string> = { national: '国家级', provincial: '省级', city: '市级', county: '县级', school: '校级' };
export const SESSION_STATUS: Record<string, string> = { scheduled: '未开始', live: '进行中', ended: '已结束', cancelled: '已取消' };
export const SESSION_STATUS_COLOR: Record<string, string> = { scheduled: 'blue', live: 'green', ended: 'default', cancelled: 'red' };
export const RSVP_LABELS: Record<string, string> = { accept: '参加', tentative: '待定', decline: '不参加' };

export interface SessionSummary {
  id: string;
  kind: string;
  kindLabel: string;
  title: string;
  subject: string | null;
  hostOrganizationId: string;
  hostOrganizationName: string;
  startsAt: string;
  endsAt: string;
  startsAtLocal: string;
  endsAtLocal: string;
  venue: string | null;
  online: boolean;
  trainingLevel: string;
  creditHours: number;
  status: 'scheduled' | 'live' | 'ended' | 'cancelled';
  myRsvp: 'accept' | 'decline' | 'tentative' | null;
}

export interface AgendaItem {
  title: string;
  minutes?: number;
  presenterUserId?: string;
}

export interface SessionDetail extends SessionSummary {
  agenda: AgendaItem[];
  currentAgendaIndex: number;
  creditRule: string;
  minAttendancePercent: number;
  cancelReason: string | null;
  invitations: { type: 'organization' | 'user'; id: string; name: string; role: string; organizationName?: string | null }[];
  rsvpCounts: { accept: number; decline: number; tentative: number };
  clashes: { type: string; sessionId: string; title: string; startsAt: string }[];
  resources: { id: string; title: string; type: string }[];
  canModerate: boolean;
}

export interface AttendanceSummary {
  scheduledMinutes: number;
  finalised: boolean;
  people: { userId: string; name: string; schoolName: string; attendedMinutes: number; creditedHours: number; intervals: { joinedAt: string; leftAt: string | null }[] }[];
}

/** Monday 00:00 (local) of the week holding `d`. */
export function weekStart(d: Date): Date {
  const x = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  x.setDate(x.getDate() - ((x.getDay() + 6) % 7));
  return x;
}

/** The hour:minute of an ISO time in Asia/Shanghai. */
export function shanghaiTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, hour: '2-digit', minute: '2-digit' });
}

/** YYYY-MM-DD of an instant in Asia/Shanghai (the day a session shows on in the calendar). */
export function shanghaiDay(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return d.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}
