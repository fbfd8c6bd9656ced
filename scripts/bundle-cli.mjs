// Bundles the compiled CLI (dist/cli/main.js) into dist/cli-bundle/ for bin/cordon.js. Startup is dominated by
// loading many small modules (zod alone is over 200 files), so one file per lazily loaded command starts about twice
// as fast (npm run bench:startup). Code splitting keeps each command's dynamic import lazy. Packages with native
// code or a large footprint that only some commands load (DuckDB, the cloud SDKs) stay external and load from
// node_modules when used. The library (dist/index.js) is the plain tsc output.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'dist/cli/main.js' },
  outdir: 'dist/cli-bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // web-tree-sitter and tree-sitter-bicep load their .wasm files from their own package folders at run time; the HCL
  // grammar's .wasm is resolved from node_modules.
  external: [
    '@duckdb/*',
    '@aws-sdk/*',
    '@smithy/*',
    '@azure/*',
    'google-auth-library',
    'web-tree-sitter',
    'tree-sitter-bicep',
  ],
  // CommonJS dependencies (commander) call require() for Node built-ins; ESM output needs a real require for that.
  banner: {
    js: "import { createRequire as __cordonRequire } from 'node:module'; const require = __cordonRequire(import.meta.url);",
  },
  // jsonc-parser's "main" is a UMD build that require()s its parts by relative path; its ESM build bundles.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
  legalComments: 'linked',
});
