import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

export interface RouteInfo {
  method: string;
  path: string;
  controller: string;
  handler: string;
  metadata: (key: string) => unknown;
}

/** Every HTTP route the app's controllers declare, with a reader for its handler/class metadata. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const controllerPaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    const prototype = Object.getPrototypeOf(instance);
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler);
      if (methodPath === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      for (const base of controllerPaths) {
        for (const sub of ([] as string[]).concat(methodPath)) {
          const path = '/' + [base, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
          routes.push({
            method,
            path,
            controller: wrapper.metatype.name,
            handler: name,
            metadata: (key) => reflector.getAllAndOverride(key, [handler, wrapper.metatype as Function]),
          });
        }
      }
    }
  }
  return routes;
}

/** Nest path `/a/:id/b` -> OpenAPI path `/a/{id}/b`. */
export const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}').replace(/\/\*(\w+)$/, '/{$1}');
