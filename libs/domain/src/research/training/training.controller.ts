import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, API_PREFIX, CurrentUser, Principal } from '@app/platform';
import { TrainingService } from './training.service';
import { CreateTrainingRecordDto, ShortfallPage, ShortfallQuery, TrainingRecordIdParam, TrainingRecordView, TrainingUserParam, TrainingYearQuery, UserTrainingView } from './training.dto';

const COORDINATORS = ['city_admin', 'county_admin'] as const;

@ApiTags('training')
@Controller(API_PREFIX)
export class TrainingController {
  constructor(private readonly training: TrainingService) {}

  /**
   * A person's training hours for a calendar year (Asia/Shanghai; default the current one): total, by level
   * (国/省/市/县/校) and each record, against the yearly target. The person, their school admin, their county
   * coordinator and the city.
   */
  @Get('users/:id/training')
  @Access('any')
  forUser(@CurrentUser() user: Principal, @Param() params: TrainingUserParam, @Query() query: TrainingYearQuery): Promise<UserTrainingView> {
    return this.training.forUser(user, params.id, query.year);
  }

  /** Enters a training attended outside the platform, for a person within the coordinator's scope. */
  @Post('training-records')
  @Access(COORDINATORS)
  create(@CurrentUser() user: Principal, @Body() dto: CreateTrainingRecordDto): Promise<TrainingRecordView> {
    return this.training.createManual(user, dto);
  }

  /** Deletes a manual record (records credited by a session cannot be deleted). */
  @Delete('training-records/:id')
  @HttpCode(204)
  @Access(COORDINATORS)
  async remove(@CurrentUser() user: Principal, @Param() params: TrainingRecordIdParam): Promise<void> {
    await this.training.deleteManual(user, params.id);
  }

  /**
   * Teachers under the yearly target, fewest hours first: a county coordinator's own county (countyId, if given,
   * must be it); the city any county, or all when countyId is omitted.
   */
  @Get('training/shortfall')
  @Access(COORDINATORS)
  shortfall(@CurrentUser() user: Principal, @Query() query: ShortfallQuery): Promise<ShortfallPage> {
    return this.training.shortfall(user, query);
  }
}
