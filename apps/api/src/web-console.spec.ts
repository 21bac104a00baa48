import { isReserved } from './web-console';

describe('web console fallback', () => {
  it.each(['/api', '/api/v1/me', '/docs', '/docs/', '/docs-json', '/storage/local/x', '/socket.io/', '/metrics', '/health'])('never answers %s', (path) => {
    expect(isReserved(path)).toBe(true);
  });

  it.each(['/', '/login', '/dashboard', '/library/abc', '/apiary', '/healthy-schools'])('serves the app shell for %s', (path) => {
    expect(isReserved(path)).toBe(false);
  });
});
