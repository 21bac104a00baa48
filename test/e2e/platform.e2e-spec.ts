import { renameSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ACCESS_RULE, AuditEntry, IS_PUBLIC } from '@app/platform';
import { createTestApp, TestApp } from '../utils/create-app';
import { listRoutes, toOpenApiPath } from '../utils/routes';
import { TcpProxy } from '../utils/tcp-proxy';

describe('platform: health, docs, metrics, errors, audit', () => {
  let t: TestApp;
  let proxy: TcpProxy | undefined;

  beforeAll(async () => {
    const overrides: Record<string, string> = {};
    if (process.env.STORAGE_DRIVER === 'minio') {
      // Route S3 traffic through a proxy this spec can cut, to see /health go 503 and come back.
      const target = new URL(process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000');
      proxy = new TcpProxy(target.hostname, Number(target.port || 80));
      overrides.S3_ENDPOINT = `http://127.0.0.1:${await proxy.start()}`;
    }
    t = await createTestApp(overrides);
  });
  afterAll(async () => {
    await t?.close();
    await proxy?.stop();
  });

  it('GET /health reports database, storage and queue up', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.info).sort()).toEqual(['database', 'queue', 'storage']);
  });

  it('GET /health is 503 while storage is unreachable and 200 again after', async () => {
    const restore = await makeStorageUnreachable();
    try {
      const down = await t.http().get('/health').expect(503);
      expect(down.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expect(down.body.error.details.storage.status).toBe('down');
      expect(down.body.error.details.database.status).toBe('up');
    } finally {
      await restore();
    }
    await t.http().get('/health').expect(200);
  });

  async function makeStorageUnreachable(): Promise<() => Promise<void>> {
    if (proxy) {
      const port = proxy.port;
      await proxy.stop();
      return async () => {
        await proxy!.start(port);
      };
    }
    // Local driver: the objects folder is replaced by a plain file, as if the disk were gone.
    const root = join(t.config.dataDir, 'objects');
    const aside = `${root}.aside`;
    renameSync(root, aside);
    writeFileSync(root, 'not a directory');
    return async () => {
      rmSync(root);
      renameSync(aside, root);
    };
  }

  it('unknown routes and errors share one body with a request id', async () => {
    const res = await t.http().get('/api/v1/no-such-thing').set('X-Request-Id', 'req-abc-123').expect(404);
    expect(res.body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String) }, requestId: 'req-abc-123' });
    expect(res.headers['x-request-id']).toBe('req-abc-123');
    const anon = await t.http().get('/api/v1/me').expect(401);
    expect(anon.body.error.code).toBe('AUTH_REQUIRED');
    expect(anon.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await t.http().get('/api/v1/me').set('Authorization', 'Bearer not-a-token').expect(401);
    expect(bad.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('malformed JSON, unknown fields and oversized bodies are 4xx with a code', async () => {
    const token = await t.login('city.admin');
    const malformed = await t
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"name": "x",')
      .expect(400);
    expect(malformed.body.error.code).toBe('MALFORMED_JSON');
    const unknown = await t
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: '测试学校', kind: 'school', hacker: true })
      .expect(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    const huge = await t
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(t.config.BODY_LIMIT_BYTES + 10) }))
      .expect(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('every route is either public or carries an @Access rule', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(10);
    const unguarded = routes.filter((r) => !r.metadata(IS_PUBLIC) && !r.metadata(ACCESS_RULE));
    expect(unguarded.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('serves the OpenAPI UI and JSON covering every endpoint', async () => {
    const ui = await t.http().get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger');
    const json = (await t.http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const missing = listRoutes(t.app)
      .filter((r) => !r.path.startsWith('/storage/local')) // signed transfer URLs are documented with the storage API
      .filter((r) => !json.paths[toOpenApiPath(r.path)]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('GET /metrics exposes request and job metrics in Prometheus format', async () => {
    await t.http().get('/health');
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toContain('# TYPE jobs_total counter');
  });

  it('records an audit entry for every write: who, what, which record, when', async () => {
    const token = await t.login('city.admin');
    // A school of this spec's own, so shared-database runs don't change the seeded schools' figures.
    const counties = await t.http().get('/api/v1/organizations').query({ kind: 'county', q: '剑阁县' }).set('Authorization', `Bearer ${token}`).expect(200);
    const school = (
      await t
        .http()
        .post('/api/v1/organizations')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: `审计测试中学${Date.now()}`, kind: 'school', countyId: counties.body.items[0].id })
        .expect(201)
    ).body;
    const before = Date.now();
    await t
      .http()
      .put(`/api/v1/organizations/${school.id}/stats/2026`)
      .set('Authorization', `Bearer ${token}`)
      .send({ students: 2100, classes: 40, teachers: 170, largestClass: 54, perStudentFunding: 1100 })
      .expect(200);
    const entries = await t.app.get(DataSource).getRepository(AuditEntry).findBy({ targetId: school.id });
    const entry = entries.find((e) => e.method === 'PUT');
    expect(entry).toMatchObject({ actorUsername: 'city.admin', status: 200, path: `/api/v1/organizations/${school.id}/stats/2026` });
    expect(entry!.action).toMatch(/^organizations\./);
    expect(entry!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 2000);
  });
});
