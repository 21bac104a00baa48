import { SetMetadata } from '@nestjs/common';
import { SKIP_AUDIT } from './audit.interceptor';

/** For writes that change no record of ours (e.g. the login token exchange is audited by its service instead). */
export const SkipAudit = () => SetMetadata(SKIP_AUDIT, true);
