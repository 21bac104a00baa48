import 'reflect-metadata';
import type { JobDefinition } from './job-definition';
import type { JobContext } from './job-queue.port';

export const ON_JOB_METADATA = 'xz:queue:on-job';

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<void>;

/**
 * Marks a method of a singleton provider as the handler of a job. Exactly one handler per job may exist in
 * an application (checked at start-up by JobExplorer). The handler must be safe to run again: a job is retried
 * after a failure and, with bull, after a worker crash.
 */
export function OnJob<T>(definition: JobDefinition<T>) {
  // Generic over the method so a handler may declare fewer parameters; its data type must still accept T.
  return <M extends JobHandler<T>>(target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    // A circular import hands the decorator `undefined`; fail here, where the class and method can be named.
    if (!definition || typeof definition.name !== 'string') {
      throw new Error(
        `@OnJob on ${target.constructor.name}.${String(propertyKey)} needs a definition created by defineJob() (got ${String(definition)}; circular import?)`,
      );
    }
    const method = descriptor.value as object;
    const existing: JobDefinition<unknown>[] = Reflect.getMetadata(ON_JOB_METADATA, method) ?? [];
    Reflect.defineMetadata(ON_JOB_METADATA, [...existing, definition], method);
  };
}
