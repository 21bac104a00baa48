import { Injectable } from '@nestjs/common';
import { AppConfig, Principal } from '@app/platform';
import { ObjectStorage } from '@app/storage';
import { EvidenceUploadInterceptor } from '../evidence/evidence-upload.interceptor';
import { MeasuresService } from './measures.service';
import { PlanAccess } from './plan-access';

/**
 * The shared evidence upload for POST /measures/:id/updates: whoever may comment on the measure may post, only
 * those who may edit it may attach files (a partnership's mentor comments without evidence).
 */
@Injectable()
export class MeasureEvidenceUploadInterceptor extends EvidenceUploadInterceptor {
  constructor(
    storage: ObjectStorage,
    config: AppConfig,
    private readonly measures: MeasuresService,
    private readonly access: PlanAccess,
  ) {
    super(storage, config, { maxFields: 10, filesRefusedMessage: '帮扶专家可以发表评论，但不能上传佐证材料' });
  }

  protected async authorize(user: Principal, measureId: string): Promise<boolean> {
    const { plan } = await this.measures.requireWithPlan(measureId);
    return (await this.access.assert(user, plan.schoolId, 'comment')).has('edit');
  }
}
