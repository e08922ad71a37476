/**
 * The rules watcher when the system gives no file watch (inotify instances used up), or a watch dies: edits are
 * still picked up by looking at the file once a second. The CLI-level case (directory deleted and recreated)
 * is in test/unit/hardening/rulesFile.test.ts.
 */
import assert from 'node:assert/strict';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchRules, type RulesWatcher, type RulesWatcherOptions } from '../../../mock-server/cli/rulesWatcher';
import type { HookServer, RulesFile } from '../../../mock-server/hooks';

const TWO_RULES = '{"rules":[{"method":"connect","answer":"forbid"},{"method":"publishStream","answer":"forbid"}]}';

function noWatches(): Error {
  return Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
}

describe('rules watcher without a file watch', function () {
  this.timeout(30_000);
  let dir: string;
  let file: string;
  let watcher: RulesWatcher | undefined;
  const said: string[] = [];
  const loaded: number[] = [];
  const server = { setRules: (r: RulesFile) => loaded.push(r.rules.length) } as unknown as HookServer;

  const start = (opts: RulesWatcherOptions) => (watcher = watchRules(file, server, (m) => said.push(m), opts));
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 250 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ok(), `gave up waiting for ${what}; said: ${JSON.stringify(said)}`);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wcs-watch-'));
    file = join(dir, 'rules.json');
    await writeFile(file, '{"rules":[]}');
    said.length = 0;
    loaded.length = 0;
  });
  afterEach(async () => {
    watcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says why once and picks up edits by looking at the file, while the system gives no watch', async () => {
    let tries = 0;
    start({
      watch: () => {
        tries++;
        throw noWatches();
      },
    });
    assert.deepEqual(said, [`cannot watch ${dir} for changes (the system's limit on file watches is reached); checking rules.json once a second instead`]);
    await writeFile(file, TWO_RULES);
    await until('the edit to be loaded', () => loaded.includes(2));
    assert.ok(tries >= 2, 'a watch is tried again at each check');
    assert.equal(said.filter((m) => m.startsWith('cannot watch')).length, 1, 'said once');
    assert.match(said.at(-1)!, /^rules reloaded from .* \(2 rules\)$/);
  });

  it('goes back to a watch when one can be had again, and says so', async () => {
    let tries = 0;
    start({
      watch: (d, listener) => {
        if (++tries < 3) throw noWatches();
        return watch(d, listener);
      },
    });
    await until('a watch on the second try', () => said.some((m) => m === `watching ${file} for changes again`));
    await writeFile(file, TWO_RULES);
    await until('the edit to be loaded', () => loaded.includes(2));
  });

  it('keeps picking up edits after a watch dies with an error', async () => {
    let live: FSWatcher | undefined;
    let tries = 0;
    start({
      watch: (d, listener) => {
        tries++;
        if (live) throw noWatches();
        live = watch(d, listener);
        return live;
      },
    });
    live!.emit('error', Object.assign(new Error('EIO: i/o error, watch'), { code: 'EIO' }));
    assert.ok(tries >= 2, 'the dead watch is dropped and a new one tried at once');
    await writeFile(file, TWO_RULES);
    await until('the edit to be loaded', () => loaded.includes(2));
    assert.ok(said.some((m) => m.startsWith('cannot watch')), JSON.stringify(said));
  });

  it('a directory gone before the watch starts is reported, and the rules are reloaded when it comes back', async () => {
    // serve loads the rules, prints "listening", then starts the watch: a script may remove the folder between.
    const sub = join(dir, 'conf');
    file = join(sub, 'rules.json');
    start({});
    assert.deepEqual(said, [`rules file ${file}: its directory is gone; keeping the current rules and watching for it to come back`]);
    await mkdir(sub);
    await writeFile(file, TWO_RULES);
    await until('the rules from the directory that came back', () => loaded.includes(2));
  });
});
