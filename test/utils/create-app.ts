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
  close: () => Promise<void>;
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
  return {
    app,
    config,
    url,
    http,
    login: async (username, password = config.DEMO_PASSWORD) => {
      const res = await http().post('/api/v1/auth/login').send({ username, password });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.accessToken as string;
    },
    close: () => app.close(),
  };
}
