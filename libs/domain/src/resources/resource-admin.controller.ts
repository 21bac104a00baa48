import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, apiPath, AppConfig, CurrentUser, Principal } from '@app/platform';
import { ResourceQuotasService } from './resource-quotas.service';
import { ReconcileReport, ResourceMaintenanceService } from './resource-maintenance.service';
import { OrganizationIdParam, QuotaView, ReconcileDto, SetQuotaDto } from './resources.dto';

/** Storage quotas per organization (usage shown), and the storage reconciliation on demand. */
@ApiTags('resources')
@Controller(apiPath('resource-quotas'))
export class ResourceQuotasController {
  constructor(private readonly quotas: ResourceQuotasService) {}

  /** An organization's quota and usage; anyone for their own organization, coordinators within their scope. */
  @Get(':organizationId')
  @Access('any', { in: 'param', key: 'organizationId' })
  get(@Param() { organizationId }: OrganizationIdParam): Promise<QuotaView> {
    return this.quotas.view(organizationId);
  }

  /** Sets an organization's quota (the city). */
  @Put(':organizationId')
  @Access(['city_admin'])
  set(@CurrentUser() user: Principal, @Param() { organizationId }: OrganizationIdParam, @Body() dto: SetQuotaDto): Promise<QuotaView> {
    return this.quotas.set(user, organizationId, dto.quotaBytes);
  }
}

@ApiTags('resources')
@Controller(apiPath('resource-maintenance'))
export class ResourceMaintenanceController {
  constructor(
    private readonly maintenance: ResourceMaintenanceService,
    private readonly config: AppConfig,
  ) {}

  /** Runs the reconciliation now and returns its report (the nightly job repairs with a one-upload-lifetime grace). */
  @Post('reconcile')
  @Access(['city_admin'])
  @HttpCode(200)
  reconcile(@Body() dto: ReconcileDto): Promise<ReconcileReport> {
    return this.maintenance.reconcile({ repair: dto.repair ?? false, minAgeMinutes: dto.minAgeMinutes ?? this.config.UPLOAD_ABANDON_HOURS * 60 });
  }

  /** Frees unreferenced objects now (normally a job after each delete, and hourly). */
  @Post('free-objects')
  @Access(['city_admin'])
  @HttpCode(200)
  async free(): Promise<{ freed: number }> {
    return { freed: await this.maintenance.freeObjects() };
  }
}
