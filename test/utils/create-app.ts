import { Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AppConfig } from '@app/platform';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureApp } from '../../apps/api/src/configure-app';
import { testConfig } from './test-config';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** Base URL the app listens on, e.g. http://127.0.0.1:41234 */
  url: string;
  http: () => ReturnType<typeof request>;
  /** Signs in and returns the access token. */
  login: (username: string, password?: string) => Promise<string>;
  /** Signs in and reads `/me`: the token to act as the account and what answers show of it. */
  signIn: (username: string, password?: string) => Promise<SignedIn>;
  close: () => Promise<void>;
}

export interface SignedIn {
  token: string;
  id: string;
  organizationId: string;
  organizationName: string;
}

/**
 * Boots the real api (ApiModule + configureApp, as main.ts does) on an ephemeral port with the drivers the
 * environment selects, a fresh DATA_DIR, migrations and the seed. `overrides` are environment variables;
 * `providers` adds test-only providers (e.g. a job handler) to the app.
 */
export async function createTestApp(overrides: Record<string, string> = {}, options: { providers?: Provider[] } = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule], providers: options.providers ?? [] })
    .overrideProvider(AppConfig)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true, bodyParser: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // Signed URLs of the local storage driver must point at this instance.
  config.PUBLIC_URL = url;
  const http = () => request(app.getHttpServer());
  const login = async (username: string, password = config.DEMO_PASSWORD) => {
    const res = await http().post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken as string;
  };
  return {
    app,
    config,
    url,
    http,
    login,
    signIn: async (username, password) => {
      const token = await login(username, password);
      const me = await http().get('/api/v1/me').set('Authorization', `Bearer ${token}`);
      if (me.status !== 200) throw new Error(`/me of ${username} failed: ${me.status} ${JSON.stringify(me.body)}`);
      return { token, id: me.body.id, organizationId: me.body.organization.id, organizationName: me.body.organization.name };
    },
    close: () => app.close(),
  };
}

/**
 * A teacher account at a school other than `excludedOrganizationIds` (one that was not invited, say), created by
 * the city coordinator as a real account would be, and signed in.
 */
export async function createTeacherElsewhere(t: TestApp, cityAdminToken: string, excludedOrganizationIds: string[], name: string): Promise<SignedIn> {
  const schools = (await t.http().get('/api/v1/organizations').query({ kind: 'school', limit: 100 }).set('Authorization', `Bearer ${cityAdminToken}`).expect(200)).body
    .items as { id: string }[];
  const other = schools.find((o) => !excludedOrganizationIds.includes(o.id));
  if (!other) throw new Error('no school outside the excluded ones');
  const username = `spec.teacher.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  await t
    .http()
    .post('/api/v1/users')
    .set('Authorization', `Bearer ${cityAdminToken}`)
    .send({ username, password: 'Spec2026pass', name, role: 'teacher', organizationId: other.id })
    .expect(201);
  return t.signIn(username, 'Spec2026pass');
}
