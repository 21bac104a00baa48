/**
 * A minimal TypeScript require hook for the benchmark's api child: `typescript.transpileModule` with the project's
 * compiler options, as `ts-node --transpile-only` does, but without ts-node, which loads node's `repl` and with it
 * the deprecated `domain` module. Loading `domain` patches every EventEmitter and installs async hooks (a cost on
 * every promise) that the compiled api in production does not pay, so a benchmark run under ts-node overstates
 * the api's CPU per request. Use with `-r ./bench/ts-hook.js -r tsconfig-paths/register`.
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const configFile = ts.findConfigFile(process.cwd(), ts.sys.fileExists, 'tsconfig.json');
const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configFile));
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
