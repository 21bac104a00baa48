import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { AppConfig } from '@app/platform';
import { definedJobs, JobDefinition } from './job-definition';
import { JobContext } from './job-queue.port';
import { ON_JOB_METADATA } from './on-job.decorator';

export type BoundJobHandler = (data: unknown, ctx: JobContext) => Promise<void>;

interface FoundHandler {
  handler: BoundJobHandler;
  /** "ClassName.method (ModuleName)", for error messages. */
  label: string;
}

/**
 * Finds the @OnJob handlers among the providers of the application (only modules actually imported count)
 * and checks them at start-up (onModuleInit, so a bad set-up fails `app.init()` / createApplicationContext):
 *
 * - two handlers for one job are always an error: which one runs would depend on the driver;
 * - when this process runs jobs (config.runJobs), every job defined by loaded code must have a handler here.
 *   A job can be enqueued by any code that imports its definition; if the process that runs jobs lacks the
 *   handler, those jobs would wait or fail forever. A process that only enqueues (api with a bull worker,
 *   RUN_JOBS=false) is not checked for missing handlers: the worker is.
 */
@Injectable()
export class JobExplorer implements OnModuleInit {
  private readonly handlers = new Map<string, BoundJobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.explore();
  }

  handlerFor(name: string): BoundJobHandler | undefined {
    return this.handlers.get(name);
  }

  explore(): void {
    const found = new Map<string, FoundHandler[]>();
    const problems: string[] = [];
    const seen = new Set<object>();

    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.isAlias) continue;
      const singleton = wrapper.isDependencyTreeStatic() && !wrapper.isTransient;
      if (!singleton) {
        // Request-scoped or transient instances do not exist at start-up; a handler there could never run.
        const prototype = !wrapper.inject && typeof wrapper.metatype === 'function' ? (wrapper.metatype.prototype as object) : null;
        for (const { method } of this.handlerMethods(prototype)) {
          problems.push(`${this.label(wrapper, prototype, method)} uses @OnJob but is not a singleton provider (request-scoped or transient)`);
        }
        continue;
      }
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object | null;
      for (const { method, definitions } of this.handlerMethods(prototype)) {
        const fn = instance[method] as (data: unknown, ctx: JobContext) => Promise<void>;
        for (const definition of definitions) {
          const list = found.get(definition.name) ?? [];
          list.push({ handler: (data, ctx) => fn.call(instance, data, ctx), label: this.label(wrapper, prototype, method) });
          found.set(definition.name, list);
        }
      }
    }

    for (const [name, list] of found) {
      if (list.length > 1) {
        problems.push(`job "${name}" has ${list.length} handlers: ${list.map((h) => h.label).join(', ')}; keep exactly one`);
      }
    }
    if (this.config.runJobs) {
      for (const { name } of definedJobs()) {
        if (!found.has(name)) {
          problems.push(
            `job "${name}" has no @OnJob handler in this application; import the module that handles it (this process runs jobs)`,
          );
        }
      }
    }
    if (problems.length) {
      throw new Error(`Job handlers are misconfigured:\n  - ${problems.join('\n  - ')}`);
    }

    this.handlers.clear();
    for (const [name, [only]] of found) this.handlers.set(name, only.handler);
  }

  private handlerMethods(prototype: object | null): { method: string; definitions: JobDefinition<unknown>[] }[] {
    if (!prototype) return [];
    const result: { method: string; definitions: JobDefinition<unknown>[] }[] = [];
    for (const method of this.scanner.getAllMethodNames(prototype)) {
      const fn = (prototype as Record<string, unknown>)[method];
      if (typeof fn !== 'function') continue;
      const definitions = this.reflector.get<JobDefinition<unknown>[] | undefined>(ON_JOB_METADATA, fn);
      if (definitions?.length) result.push({ method, definitions });
    }
    return result;
  }

  private label(wrapper: InstanceWrapper, prototype: object | null, method: string): string {
    const className = prototype?.constructor?.name || String(wrapper.name ?? 'provider');
    const moduleName = wrapper.host?.metatype?.name;
    return `${className}.${method}${moduleName ? ` (${moduleName})` : ''}`;
  }
}
