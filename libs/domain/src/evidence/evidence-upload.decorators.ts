import { applyDecorators, createParamDecorator, ExecutionContext, Type, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { EVIDENCE_FIELD, EvidenceUploadInterceptor, MAX_EVIDENCE_FILES, StoredEvidence } from './evidence-upload.interceptor';

/**
 * Marks a handler that takes JSON `{text, ...}` or multipart/form-data with `text`, the given extra fields and up
 * to MAX_EVIDENCE_FILES `files`: runs the context's upload interceptor and documents the body for OpenAPI.
 */
export function EvidenceUpload(interceptor: Type<EvidenceUploadInterceptor>, extraProperties: Record<string, SchemaObject> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseInterceptors(interceptor),
    ApiConsumes('application/json', 'multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required: ['text'],
        properties: {
          text: { type: 'string', maxLength: 4000 },
          ...extraProperties,
          [EVIDENCE_FIELD]: { type: 'array', maxItems: MAX_EVIDENCE_FILES, items: { type: 'string', format: 'binary' } },
        },
      },
    }),
  );
}

/** The files the evidence upload stored for this request (empty for a JSON body). */
export const UploadedEvidence = createParamDecorator((_data: unknown, ctx: ExecutionContext): StoredEvidence[] => {
  const files = ctx.switchToHttp().getRequest<{ files?: unknown }>().files;
  return Array.isArray(files) ? (files as StoredEvidence[]) : [];
});
