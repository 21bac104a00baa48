import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainException, Principal } from '@app/platform';
import { ObjectStorage } from '@app/storage';
import { EvidenceFile } from './evidence-file.entity';
import { MeasuresService } from './measures.service';
import { PlanAccess } from './plan-access';

/** Presigned download links live this long; the api checks access each time one is asked for. */
export const EVIDENCE_LINK_SECONDS = 300;

@Injectable()
export class EvidenceService {
  constructor(
    @InjectRepository(EvidenceFile) private readonly evidence: Repository<EvidenceFile>,
    private readonly measures: MeasuresService,
    private readonly access: PlanAccess,
    private readonly storage: ObjectStorage,
  ) {}

  /** A short-lived URL that downloads the file under its original (Chinese) name, after the read check. */
  async downloadUrl(principal: Principal, id: string): Promise<string> {
    const file = await this.evidence.findOne({ where: { id } });
    if (!file) throw new DomainException('EVIDENCE_NOT_FOUND');
    const { plan } = await this.measures.requireWithPlan(file.measureId);
    await this.access.assert(principal, plan.schoolId, 'read');
    return this.storage.presignGet(file.storageKey, { expiresInSeconds: EVIDENCE_LINK_SECONDS, filename: file.filename, contentType: file.contentType });
  }
}
