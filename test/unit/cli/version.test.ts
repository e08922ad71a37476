import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from './process';

describe('wcs-hook-mock --version', () => {
  it('prints the package version, from source and from the bundled bin', async () => {
    const want = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const bin of [false, true]) {
      const run = runCli(['--version'], { bin });
      assert.equal((await run.exited).code, 0);
      assert.equal(run.stdout(), `${want}\n`);
    }
  });
});
