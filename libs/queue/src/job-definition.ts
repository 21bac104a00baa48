/**
 * A typed job token: `export const processUpload = defineJob<{ resourceId: string }>('resources.process-upload')`
 * in a `*.job.ts` file. Producers enqueue with it, one provider method handles it with `@OnJob(processUpload)`,
 * and the data type is checked on both sides.
 */
export interface JobDefinition<T = unknown> {
  readonly name: string;
  /** Type-only marker that carries T; never set at run time. */
  readonly __data?: T;
}

/** Job names and schedule keys end up inside bull's ':'-separated Redis keys, so ':' is not allowed. */
export const JOB_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

// Every job defined by code loaded in this process. JobExplorer checks it against the @OnJob handlers of
// the application, so a definition whose handler module is not imported cannot leave jobs queued forever.
const registry = new Map<string, JobDefinition<unknown>>();

export function defineJob<T>(name: string): JobDefinition<T> {
  if (typeof name !== 'string' || !JOB_NAME_PATTERN.test(name)) {
    throw new Error(`Invalid job name ${JSON.stringify(name)}: use 1-100 letters, digits, '.', '_' or '-' (no ':')`);
  }
  if (registry.has(name)) {
    throw new Error(`Job "${name}" is defined twice; define it once (in its *.job.ts file) and import that definition`);
  }
  const definition: JobDefinition<T> = Object.freeze({ name });
  registry.set(name, definition);
  return definition;
}

/** All job definitions loaded so far, in definition order. */
export function definedJobs(): JobDefinition<unknown>[] {
  return [...registry.values()];
}
