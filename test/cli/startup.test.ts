/**
 * Startup cost: a command loads only what it needs. The built CLI is run with a module-resolution hook that lists
 * every module loaded; commands that do not collect or read flow logs must not load the AWS SDK or DuckDB.
 * (Timings are measured by `npm run bench:startup`, not here.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS, commandsFor } from '../../src/cli/commands/index.js';

const HOOK = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\\\n'); return r; }
\`));
`)}`;

function loaded(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', HOOK, 'bin/cordon.js', ...args], { encoding: 'utf8' });
  return r.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => l.slice(7));
}

describe('startup', () => {
  it('loads one command module for a command, none for --version, all for help', async () => {
    assert.equal((await commandsFor(['--version'])).length, 0);
    assert.equal((await commandsFor(['policy', 'check', '--from', 'a'])).length, 1);
    assert.equal((await commandsFor(['--help'])).length, Object.keys(COMMANDS).length);
    assert.equal((await commandsFor(['nosuchcommand'])).length, Object.keys(COMMANDS).length);
  });

  it(
    'the built CLI loads neither the AWS SDK nor DuckDB for --version, checks list and policy check',
    { skip: !existsSync('dist/cli-bundle/main.js') && 'dist/ not built (npm run build)' },
    () => {
      for (const args of [
        ['--version'],
        ['checks', 'list'],
        ['policy', 'check', '--from', 'application', '--to', 'external_ai', '--port', '443'],
      ]) {
        const mods = loaded(args);
        assert.ok(mods.length > 0, 'the hook saw the CLI load');
        const heavy = mods.filter((m) => /@aws-sdk|@smithy|@duckdb/.test(m));
        assert.deepEqual(heavy, [], `cordon ${args.join(' ')} loaded ${heavy.slice(0, 3).join(', ')}`);
      }
      // The hook does see DuckDB when a command needs it, so the assertion above can fail.
      const duck = loaded(['flows', 'test/fixtures/flows/aws-v2-doc.log', '--engine', 'duckdb']);
      assert.ok(duck.some((m) => m.includes('@duckdb')));
    },
  );
});
