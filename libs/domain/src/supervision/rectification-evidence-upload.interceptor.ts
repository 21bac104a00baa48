import { Injectable } from '@nestjs/common';
import { AppConfig, Principal } from '@app/platform';
import { ObjectStorage } from '@app/storage';
import { EvidenceUploadInterceptor } from '../evidence/evidence-upload.interceptor';
import { RectificationsService } from './rectifications.service';

/**
 * The shared evidence upload for POST /rectifications/:id/evidence: the access and status check of the
 * rectification decides; whoever may submit evidence may attach files.
 */
@Injectable()
export class RectificationEvidenceUploadInterceptor extends EvidenceUploadInterceptor {
  constructor(
    storage: ObjectStorage,
    config: AppConfig,
    private readonly rectifications: RectificationsService,
  ) {
    super(storage, config, { maxFields: 5 });
  }

  protected async authorize(user: Principal, rectificationId: string): Promise<boolean> {
    await this.rectifications.assertCanSubmitEvidence(user, rectificationId);
    return true;
  }
}
