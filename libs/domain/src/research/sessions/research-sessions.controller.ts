import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, DomainException, Principal, Public, SkipAudit } from '@app/platform';
import type { AttendanceSummaryView } from '../training/attendance.service';
import { ResearchSessionsService } from './research-sessions.service';
import { CalendarFeedService } from './calendar-feed.service';
import {
  CalendarFeedView,
  CancelDto,
  CreateResearchSessionDto,
  ListSessionsQuery,
  ResearchSessionListView,
  ResearchSessionView,
  RollCallDto,
  RsvpDto,
  SessionIdParam,
  UpdateResearchSessionDto,
} from './research-sessions.dto';

const HOST_ROLES = ['city_admin', 'county_admin', 'school_admin', 'teacher'] as const;

@ApiTags('research-sessions')
@Controller(apiPath('research-sessions'))
export class ResearchSessionsController {
  constructor(private readonly sessions: ResearchSessionsService) {}

  /**
   * Schedules a session. The host school's admins and teachers, county coordinators for their county, the city.
   * With `partnershipId` and no `invitedOrganizationIds`, the partnership's member schools are invited. Clashes with
   * the host's other sessions and the presenters' are returned in `clashes`, not refused.
   */
  @Post()
  @Access(HOST_ROLES)
  create(@CurrentUser() user: Principal, @Body() dto: CreateResearchSessionDto): Promise<ResearchSessionView> {
    return this.sessions.create(user, dto);
  }

  /** Sessions I may see overlapping `from`..`to` (default: 7 days ago to 90 days on; at most 366 days). */
  @Get()
  @Access('any')
  list(@CurrentUser() user: Principal, @Query() query: ListSessionsQuery): Promise<ResearchSessionListView> {
    return this.sessions.list(user, query);
  }

  /** A session with invitations, RSVP counts, my RSVP, clashes and linked resources; times also in Asia/Shanghai. */
  @Get(':id')
  @Access('any')
  get(@CurrentUser() user: Principal, @Param() params: SessionIdParam): Promise<ResearchSessionView> {
    return this.sessions.get(user, params.id);
  }

  /** Edits or reschedules a scheduled session (moderators); reminders move with the time and invitees are told. */
  @Patch(':id')
  @Access('any')
  update(@CurrentUser() user: Principal, @Param() params: SessionIdParam, @Body() dto: UpdateResearchSessionDto): Promise<ResearchSessionView> {
    return this.sessions.update(user, params.id, dto);
  }

  /** accept | decline | tentative; answering again changes the answer. */
  @Post(':id/rsvp')
  @HttpCode(200)
  @Access('any')
  rsvp(@CurrentUser() user: Principal, @Param() params: SessionIdParam, @Body() dto: RsvpDto): Promise<ResearchSessionView> {
    return this.sessions.rsvp(user, params.id, dto.response);
  }

  /** Cancels (moderators): invitees are notified, reminders dropped, the live room closed. */
  @Post(':id/cancel')
  @HttpCode(200)
  @Access('any')
  cancel(@CurrentUser() user: Principal, @Param() params: SessionIdParam, @Body() dto: CancelDto): Promise<ResearchSessionView> {
    return this.sessions.cancel(user, params.id, dto.reason);
  }

  /** Ends the session (moderators; idempotent): attendance is finalised and training hours credited. */
  @Post(':id/end')
  @HttpCode(200)
  @Access('any')
  async end(@CurrentUser() user: Principal, @Param() params: SessionIdParam): Promise<ResearchSessionView> {
    await this.sessions.end(user, params.id);
    return this.sessions.get(user, params.id);
  }

  /**
   * In-person attendance (moderators): adds an attendance interval per entry (default: the scheduled window) beside
   * the live room's, credited by the same rule. From the session's start; after its end it re-finalises at once.
   * Only invitees and staff of the host or invited organizations. Returns the attendance summary.
   */
  @Post(':id/attendance/roll-call')
  @HttpCode(200)
  @Access('any')
  rollCall(@CurrentUser() user: Principal, @Param() params: SessionIdParam, @Body() dto: RollCallDto): Promise<AttendanceSummaryView> {
    return this.sessions.rollCall(user, params.id, dto.entries);
  }

  /** Attendance per person: intervals, minutes, credited hours (moderators and coordinators). */
  @Get(':id/attendance')
  @Access('any')
  attendance(@CurrentUser() user: Principal, @Param() params: SessionIdParam): Promise<AttendanceSummaryView> {
    return this.sessions.attendanceOf(user, params.id);
  }
}

@ApiTags('research-sessions')
@Controller()
export class CalendarFeedController {
  constructor(private readonly feeds: CalendarFeedService) {}

  /** Creates or rotates my secret calendar subscription URL (the old one stops working). */
  @Post(apiPath('me/calendar-feed'))
  @HttpCode(200)
  @Access('any')
  rotate(@CurrentUser() user: Principal): Promise<CalendarFeedView> {
    return this.feeds.rotate(user);
  }

  /** The iCalendar feed behind a secret URL, for calendar apps (no sign-in; the token is the credential). */
  @Get(apiPath('calendar/:file'))
  @Public()
  @SkipAudit()
  @ApiProduces('text/calendar')
  @ApiOkResponse({ schema: { type: 'string' } })
  async feed(@Param('file') file: string, @Res({ passthrough: true }) res: Response): Promise<string> {
    const m = /^([A-Za-z0-9_-]{20,100})\.ics$/.exec(file ?? '');
    if (!m) throw new DomainException('CALENDAR_FEED_NOT_FOUND');
    const body = await this.feeds.feed(m[1]);
    // Set only on success, so an error still goes out as the usual JSON.
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Cache-Control', 'private, max-age=300');
    return body;
  }
}
