import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { NestExpressApplication } from '@nestjs/platform-express';

/** Paths the console never answers, so the SPA fallback cannot shadow the api, docs, storage, sockets or ops. */
export const RESERVED_PREFIXES = ['/api', '/docs', '/storage', '/socket.io', '/metrics', '/health'];

export function isReserved(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(p + '/') || (p === '/docs' && path.startsWith('/docs-')));
}

/** dist/web, wherever this file runs from: the compiled api (dist/apps/api/apps/api/src) or ts sources (apps/api/src). */
export function webConsoleDir(): string | null {
  const candidates = [resolve(__dirname, '../../../../../web'), resolve(__dirname, '../../../dist/web'), resolve(process.cwd(), 'dist/web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>县中协作平台</title>
<body style="font-family:sans-serif;padding:2em"><h1>县中协作平台</h1><p>网页控制台尚未构建：请运行 <code>npm run build:web</code>（<code>npm start</code> 会自动构建）。</p>
<p>API 文档：<a href="/docs">/docs</a></p></body></html>`;

/**
 * Serves the built console (apps/web -> dist/web) at `/`: hashed assets cached for a year, index.html never
 * cached, and every other GET that asks for HTML and is not reserved falls back to index.html (client routes).
 * Returns the folder served, or null when the console is not built (then `/` explains how to build it).
 */
export function serveWebConsole(app: NestExpressApplication): string | null {
  const dir = webConsoleDir();
  const http = app.getHttpAdapter().getInstance() as express.Express;
  if (!dir) {
    http.get('/', (_req: Request, res: Response) => res.type('html').send(NOT_BUILT));
    return null;
  }
  const index = readFileSync(join(dir, 'index.html'));
  http.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  http.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isReserved(req.path) || req.path.startsWith('/assets/')) return next();
    // A file at the root of dist/web (favicon and the like); otherwise the app shell for client-side routes.
    if (/\.[a-z0-9]+$/i.test(req.path)) return next();
    if (!req.accepts('html')) return next();
    res.set('Cache-Control', 'no-cache').type('html').send(index);
  });
  // Reserved paths skip the static lookup: otherwise every api request would pay a filesystem stat.
  const rootFiles = express.static(dir, { index: false });
  http.use((req: Request, res: Response, next: NextFunction) => (isReserved(req.path) ? next() : rootFiles(req, res, next)));
  return dir;
}
