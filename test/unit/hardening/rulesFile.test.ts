/**
 * Reading and watching the rules file (round 2): only regular files of bounded size are read, so a FIFO or a
 * device given as `--rules` fails at once with one line instead of blocking the I/O pool (and with it the
 * journal and shutdown); the watcher survives its directory being deleted and recreated.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRulesFile, MAX_RULES_FILE_BYTES, RulesError } from '../../../mock-server/hooks/rules';
import { runCli } from '../cli/process';

describe('hardening: the rules file (round 2)', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wcs-rules-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const refused = async (path: string, why: RegExp) => {
    await assert.rejects(loadRulesFile(path), (e: unknown) => e instanceof RulesError && why.test(e.message) && e.message.startsWith(`${path}: `));
  };

  it('a FIFO is refused at once, not waited on', async () => {
    const fifo = join(dir, 'rules.json');
    execFileSync('mkfifo', [fifo]);
    await refused(fifo, /not a regular file/);
  });

  it('a device is refused without reading it', async () => {
    if (existsSync('/dev/zero')) await refused('/dev/zero', /not a regular file/);
    await refused(dir, /is a directory/);
  });

  it('a file over the size cap is refused without parsing it', async () => {
    const big = join(dir, 'big.json');
    await writeFile(big, `{"rules":[],"pad":"${'x'.repeat(MAX_RULES_FILE_BYTES)}"}`);
    await refused(big, /over the \d+-byte limit/);
  });

  it('an ordinary file still loads', async () => {
    const ok = join(dir, 'ok.json');
    await writeFile(ok, '{"rules":[{"method":"connect","answer":"forbid"}]}');
    assert.equal((await loadRulesFile(ok)).rules.length, 1);
    await refused(join(dir, 'missing.json'), /no such file/);
  });

  it('serve --rules FIFO: one line, exit 1, and no hang', async () => {
    const fifo = join(dir, 'rules.json');
    execFileSync('mkfifo', [fifo]);
    const running = runCli(['serve', '--port', '0', '--no-interactive', '--rules', fifo]);
    assert.equal((await running.exited).code, 1);
    assert.equal(running.stderr(), `wcs-hook-mock serve: ${fifo}: cannot read rules file: not a regular file\n`);
  });

  it('the watcher keeps working after its directory is deleted and recreated', async () => {
    const sub = join(dir, 'conf');
    await mkdir(sub);
    const file = join(sub, 'rules.json');
    await writeFile(file, '{"rules":[]}');
    const running = runCli(['serve', '--port', '0', '--no-interactive', '--policy', 'echo-all', '--rules', file]);
    try {
      await running.waitFor(/listening on/);
      await rm(sub, { recursive: true });
      await running.waitFor(/rules file .*gone/, 'stderr');
      await mkdir(sub);
      await writeFile(file, '{"rules":[{"method":"connect","answer":"forbid"},{"method":"publishStream","answer":"forbid"}]}');
      await running.waitFor(/rules reloaded from .* \(2 rules\)/, 'stderr');
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });
});
