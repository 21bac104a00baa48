import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, Repository } from 'typeorm';
import ical, { ICalEventStatus } from 'ical-generator';
import { apiPath, AppConfig, DomainException, isUniqueViolation, Principal } from '@app/platform';
import { User } from '../../accounts/user.entity';
import { Organization } from '../../organizations/organization.entity';
import { ResearchSession } from './research-session.entity';
import { CalendarFeedToken } from './research-session-links.entity';
import { KIND_LABELS, LEVEL_LABELS, shanghaiDateTime } from './research-session-rules';

/** Sessions further back than this are left out of the feed (calendar apps keep what they already have). */
const FEED_PAST_DAYS = 180;
const FEED_LIMIT = 500;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The per-user iCalendar feed (日历订阅) at a secret URL. Only the token's SHA-256 is stored, so a database leak does
 * not reveal working URLs; asking again rotates the token and the old URL stops working.
 */
@Injectable()
export class CalendarFeedService {
  constructor(
    @InjectRepository(CalendarFeedToken) private readonly tokens: Repository<CalendarFeedToken>,
    @InjectRepository(ResearchSession) private readonly sessions: Repository<ResearchSession>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organization) private readonly organizations: Repository<Organization>,
    private readonly config: AppConfig,
  ) {}

  async rotate(principal: Principal): Promise<{ url: string }> {
    const token = randomBytes(32).toString('base64url');
    const tokenHash = hash(token);
    const existing = await this.tokens.findOne({ where: { userId: principal.userId } });
    if (existing) {
      await this.tokens.update({ id: existing.id }, { tokenHash });
    } else {
      try {
        await this.tokens.insert(this.tokens.create({ userId: principal.userId, tokenHash }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await this.tokens.update({ userId: principal.userId }, { tokenHash });
      }
    }
    return { url: `${this.config.publicUrl}/${apiPath(`calendar/${token}.ics`)}` };
  }

  /** The feed of the token's user: sessions they are invited to (in person or through their organization) or their organization hosts. */
  async feed(token: string): Promise<string> {
    const row = await this.tokens.findOne({ where: { tokenHash: hash(token) } });
    if (!row) throw new DomainException('CALENDAR_FEED_NOT_FOUND');
    const user = await this.users.findOne({ where: { id: row.userId, active: true } });
    if (!user) throw new DomainException('CALENDAR_FEED_NOT_FOUND');

    const since = new Date(Date.now() - FEED_PAST_DAYS * 24 * 3600_000);
    const sessions = await this.sessions
      .createQueryBuilder('s')
      .where('s.endsAt > :since', { since })
      .andWhere(
        new Brackets((w) => {
          w.where('s.hostOrganizationId = :org', { org: user.organizationId }).orWhere(
            's.id IN (SELECT i.sessionId FROM research_session_invitations i WHERE i.userId = :me OR (i.userId IS NULL AND i.organizationId = :org))',
            { me: user.id },
          );
        }),
      )
      .orderBy('s.startsAt', 'ASC')
      .take(FEED_LIMIT)
      .getMany();
    const hostIds = [...new Set(sessions.map((s) => s.hostOrganizationId))];
    const hosts = hostIds.length ? await this.organizations.find({ where: { id: In(hostIds) }, select: { id: true, name: true } }) : [];
    const hostName = new Map(hosts.map((h) => [h.id, h.name]));

    const host = new URL(this.config.publicUrl).hostname || 'xianzhong';
    const cal = ical({ name: `${user.name}的教研活动`, prodId: { company: 'guangyuan', product: 'xianzhong-platform', language: 'ZH' }, ttl: 3600 });
    for (const s of sessions) {
      const lines = [
        `${KIND_LABELS[s.kind]}｜主办：${hostName.get(s.hostOrganizationId) ?? ''}`,
        s.subject ? `学科：${s.subject}` : null,
        `时间：${shanghaiDateTime(s.startsAt)}–${shanghaiDateTime(s.endsAt).slice(11)}（北京时间）`,
        `培训学时：${s.creditHours}（${LEVEL_LABELS[s.trainingLevel] ?? ''}）`,
        s.agenda.length ? `议程：\n${s.agenda.map((a, i) => `${i + 1}. ${a.title}${a.minutes ? `（${a.minutes}分钟）` : ''}`).join('\n')}` : null,
        s.status === 'cancelled' && s.cancelReason ? `已取消：${s.cancelReason}` : null,
      ].filter(Boolean);
      cal.createEvent({
        id: `${s.id}@${host}`,
        sequence: s.sequence,
        start: s.startsAt,
        end: s.endsAt,
        stamp: s.updatedAt,
        lastModified: s.updatedAt,
        created: s.createdAt,
        summary: `【${KIND_LABELS[s.kind]}】${s.title}`,
        location: s.online ? (s.venue ? `${s.venue}（线上）` : '线上') : s.venue,
        description: lines.join('\n'),
        status: s.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
        url: `${this.config.publicUrl}/${apiPath(`research-sessions/${s.id}`)}`,
      });
    }
    return cal.toString();
  }
}
