import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, CurrentUser, Principal } from '@app/platform';
import { SupervisionRunResult } from './supervision.dto';
import { SupervisionService } from './supervision.service';

@ApiTags('supervision')
@Controller(apiPath('supervision'))
export class SupervisionController {
  constructor(private readonly supervision: SupervisionService) {}

  /**
   * Runs the supervision scan now and waits for it: what it flagged (overdue measures, off-target indicators of
   * the current school year) and the rectification orders it opened. Running it again opens nothing twice.
   */
  @Post('run')
  @HttpCode(200)
  @Access(['city_admin'])
  run(@CurrentUser() user: Principal): Promise<SupervisionRunResult> {
    return this.supervision.runNow(user);
  }
}
