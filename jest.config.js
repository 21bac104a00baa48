// Two projects: unit specs beside the code, e2e specs that boot the real app (test/e2e).
const moduleNameMapper = {
  '^@app/(platform|database|storage|queue|domain)$': '<rootDir>/libs/$1/src',
  '^@app/(platform|database|storage|queue|domain)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
// The swagger plugin fills OpenAPI metadata from DTO types, as `nest build` does.
const transform = {
  '^.+\\.ts$': ['ts-jest', {
    isolatedModules: false,
    diagnostics: false,
    astTransformers: { before: ['<rootDir>/test/utils/swagger-transformer.js'] },
  }],
};
const common = { rootDir: __dirname, moduleFileExtensions: ['js', 'json', 'ts'], testEnvironment: 'node', transform, moduleNameMapper };
module.exports = {
  // e2e specs boot the app and talk to real services; jest reads the timeout only at the top level.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // Headless Chromium against the real api and the built console: `npm run test:browser` (the last step of `npm test`; builds the console
    // first and installs Debian's chromium when missing).
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
};
