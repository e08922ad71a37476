/**
 * The Artillery engine (`engine: wcs`): driven directly with an event recorder, and under a real
 * `artillery run` against the hook server on 127.0.0.1, loaded by package name the way Artillery loads
 * engines (artillery-engine-wcs on NODE_PATH), with telemetry off and no network beyond loopback.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArtilleryWcsEngine, type ArtilleryEvents } from '../../../mock-server/artillery';
import { createHookServer, type HookServer } from '../../../mock-server/hooks';

const ROOT = path.resolve(__dirname, '../../..');

/** Artillery's metrics as the engine emits them: counters summed, histograms collected. */
function recorder(): ArtilleryEvents & { counters: Record<string, number>; histograms: Record<string, number[]>; errors: string[]; started: number } {
  const r = {
    counters: {} as Record<string, number>,
    histograms: {} as Record<string, number[]>,
    errors: [] as string[],
    started: 0,
    emit(event: string, name?: string | number, value?: number) {
      if (event === 'counter') r.counters[name as string] = (r.counters[name as string] ?? 0) + value!;
      else if (event === 'histogram') (r.histograms[name as string] ??= []).push(value!);
      else if (event === 'error') r.errors.push(String(name));
      else if (event === 'started') r.started++;
      return true;
    },
  };
  return r as never;
}

function vu(fn: (ctx: unknown, cb: (err: Error | null, ctx: unknown) => void) => void): Promise<Error | null> {
  return new Promise((resolve) => fn({}, (err) => resolve(err)));
}

describe('Artillery engine for WCS scenarios', function () {
  this.timeout(180_000);
  let hooks: HookServer;
  let target: string;

  before(async () => {
    hooks = createHookServer({ port: 0, host: '127.0.0.1', policy: 'echo-all' });
    target = `${(await hooks.listen()).url}/EchoApp`;
  });
  after(() => hooks.close());

  it('a virtual user runs the scenarios its flow names; every hook is counted, answers by status, latency per method', async () => {
    const before = hooks.journal.all().length;
    const engine = new ArtilleryWcsEngine({ config: { target, engines: { wcs: { timeout: 15 } } } });
    const ee = recorder();
    const run = engine.createScenario({ name: 'calls', flow: [{ run: 'connect' }, { think: 0 }, { run: 'outgoing-call' }] }, ee);
    assert.equal(await vu(run), null);
    assert.equal(await vu(run), null);
    const received = hooks.journal.all().slice(before);
    assert.equal(ee.started, 2);
    assert.equal(ee.counters['wcs.hooks_sent'], received.length);
    assert.equal(ee.counters['wcs.answers.200'], received.length);
    assert.equal(ee.counters['wcs.sessions.completed'], 4);
    assert.equal(ee.histograms['wcs.response_time.connect']?.length, 4);
    assert.equal(ee.histograms['wcs.response_time.call']?.length, 2);
    assert.equal(ee.histograms['wcs.response_time']?.length, received.length);
    assert.deepEqual(ee.errors, []);
  });

  it('a backend that is down: the sessions are refused and every hook counts as refused, nothing hidden', async () => {
    const down = createHookServer({ port: 0, host: '127.0.0.1', policy: 'echo-all' });
    const url = `${(await down.listen()).url}/EchoApp`;
    await down.close();
    const ee = recorder();
    const run = new ArtilleryWcsEngine({ config: { target: url, engines: { wcs: {} } } }).createScenario({ flow: [{ run: 'connect' }] }, ee);
    const err = await vu(run);
    // A refused connect is the backend's answer to WCS (the client is refused), not a failed step.
    assert.equal(err, null);
    assert.equal(ee.counters['wcs.sessions.refused'], 1);
    assert.equal(ee.counters['wcs.failures.refused'], ee.counters['wcs.hooks_sent']);
    assert.equal(ee.counters['wcs.answers.200'], undefined);
  });

  it('a script mistake stops the run before any load: unknown scenario, bad step, no target, bad timeout', () => {
    const ee = recorder();
    const make = (config: object, flow: unknown[]) => () => new ArtilleryWcsEngine({ config } as never).createScenario({ name: 's', flow }, ee);
    assert.throws(make({ target }, [{ run: 'dance' }]), /engine wcs: scenario "s" step 1: unknown scenario "dance" \(one of connect, /);
    assert.throws(make({ target }, [{ get: '/x' }]), /expected \{run: <scenario>\} or \{think: <seconds>\}/);
    assert.throws(make({}, [{ run: 'connect' }]), /config.target must be the backend's app URL/);
    assert.throws(make({ target, engines: { wcs: { timeout: 'soon' } } }, []), /timeout must be seconds ≥ 0/);
  });

  it('`artillery run` with engine: wcs reports counters that match the hooks the hook server received', async function () {
    const bin = path.join(ROOT, 'node_modules/.bin/artillery');
    const built = path.join(ROOT, 'dist/artillery.js');
    assert.ok(existsSync(bin), 'artillery is a devDependency: run npm ci');
    assert.ok(existsSync(built), 'dist/artillery.js is built by npm run build (npm test builds first)');
    const dir = mkdtempSync(path.join(tmpdir(), 'wcs-artillery-'));
    try {
      // What a user's project has after `npm i -D artillery artillery-engine-wcs wcs-hook-mock`.
      mkdirSync(path.join(dir, 'node_modules'));
      symlinkSync(path.join(ROOT, 'packages/artillery-engine-wcs'), path.join(dir, 'node_modules/artillery-engine-wcs'), 'dir');
      symlinkSync(ROOT, path.join(dir, 'node_modules/wcs-hook-mock'), 'dir');
      writeFileSync(path.join(dir, 'wcs.yml'), [
        'config:',
        `  target: ${target}`,
        '  phases:',
        '    - duration: 1',
        '      arrivalCount: 4',
        '  engines:',
        '    wcs:',
        '      timeout: 15',
        'scenarios:',
        '  - name: publishers',
        '    engine: wcs',
        '    flow:',
        '      - run: connect',
        '      - run: publish',
        '',
      ].join('\n'));
      const before = hooks.journal.all().length;
      const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
        const child = spawn(bin, ['run', 'wcs.yml', '--output', 'report.json'], {
          cwd: dir,
          // Artillery require()s `artillery-engine-<name>`; NODE_PATH is how its own example and its cloud workers find one.
          env: { ...process.env, NODE_PATH: path.join(dir, 'node_modules'), ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1' },
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d));
        child.stderr.on('data', (d: Buffer) => (out += d));
        child.on('error', reject);
        child.on('close', (c) => resolve({ code: c, out }));
      });
      assert.equal(code, 0, out);
      assert.doesNotMatch(out, /could not be loaded/, out);
      const received = hooks.journal.all().slice(before);
      const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as {
        aggregate: { counters: Record<string, number>; summaries: Record<string, { count: number; p99: number; max: number }> };
      };
      const { counters, summaries } = report.aggregate;
      assert.equal(counters['vusers.completed'], 4, out);
      assert.equal(counters['wcs.sessions.completed'], 8);
      assert.equal(counters['wcs.hooks_sent'], received.length);
      assert.equal(counters['wcs.answers.200'], received.length);
      assert.equal(summaries['wcs.response_time.connect']?.count, received.filter((e) => e.method === 'connect').length);
      assert.equal(summaries['wcs.response_time.publishStream']?.count, 4);
      assert.match(out, /wcs\.hooks_sent: \.+ \d+/, 'the counters are in Artillery\'s own summary');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
