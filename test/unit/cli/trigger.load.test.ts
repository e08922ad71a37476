/**
 * `trigger` as a load test, run as a user runs it (a subprocess against HTTP backends on 127.0.0.1): a
 * single session's transcript arrives while the session is still running, --rate/--duration, the --json
 * fields scripts rely on, the report, and the progress line's terminal handling.
 */
import { strict as assert } from 'node:assert';
import { DEFAULT_MAX_IN_FLIGHT, LiveProgress, progressLine } from '../../../mock-server/load';
import { isUsageError } from '../../../mock-server/cli/flags';
import { planFromFlags } from '../../../mock-server/cli/trigger';
import { runCli } from './process';
import { deadPort, hookBackend } from '../../support/net';

interface Held {
  method: string;
  release: () => void;
}

/** Echoes every hook, except that hooks named in `hold` wait until the test releases them. */
async function backend(hold: string[] = []): Promise<{ url: string; held: Held[]; waitHeld: () => Promise<Held>; close: () => Promise<void> }> {
  const held: Held[] = [];
  let notify: (() => void) | undefined;
  const b = await hookBackend((method, _body, res, _req, raw) => {
    const answer = () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(raw);
    };
    if (!hold.includes(method)) return answer();
    held.push({ method, release: answer });
    notify?.();
  });
  return {
    ...b,
    held,
    waitHeld: () => new Promise<Held>((resolve) => {
      const check = () => (held.length > 0 ? resolve(held[0]!) : (notify = check));
      check();
    }),
  };
}

describe('wcs-hook-mock trigger as a load test (CLI)', function () {
  this.timeout(120_000);

  it('one session: its transcript is printed while the session runs, not at the end', async () => {
    const b = await backend(['publishStream']);
    try {
      const run = runCli(['trigger', 'publish', '--backend', b.url]);
      let exited = false;
      void run.exited.then(() => (exited = true));
      // The backend holds publishStream: the session cannot end before the test releases it.
      const held = await b.waitHeld();
      await run.waitFor(/hook → publishStream/);
      assert.equal(exited, false);
      assert.match(run.stdout(), /^trigger publish → http:\/\/127\.0\.0\.1:\d+\/app\n\nsession 1: \S+\n {2}.*\n/);
      assert.match(run.stdout(), /hook ← connect 200/);
      assert.doesNotMatch(run.stdout(), /WebSDK client saw|1 session:/, 'the end of the story is not there yet');
      held.release();
      const { code } = await run.exited;
      assert.equal(code, 0, run.stderr());
      const out = run.stdout();
      assert.match(out, /hook ← publishStream 200[\s\S]*WebSDK client saw:\n {4}session ESTABLISHED\n {4}stream stream-1 PUBLISHING/);
      assert.match(out, /1 session: 1 completed, 0 refused; \d+ hooks \(0 not 200\)/);
      assert.match(out, /latency of the backend's answers \(ms\):\n {2}method +answers +p50 +p95 +p99 +max\n {2}connect +1 /);
      assert.equal(out.match(/session 1:/g)?.length, 1, 'the transcript is printed once');
    } finally {
      await b.close();
    }
  });

  it('--rate R --duration S runs R×S sessions; --json keeps the summary fields and adds the report', async () => {
    const b = await backend();
    try {
      const run = runCli(['trigger', 'connect', '--backend', b.url, '--rate', '40', '--duration', '0.25', '--json']);
      const { code } = await run.exited;
      assert.equal(code, 0, run.stderr());
      assert.equal(run.stderr(), '', 'no progress line off a terminal');
      const r = JSON.parse(run.stdout());
      for (const k of ['sessions', 'completed', 'hooks', 'hookErrors', 'durationMs']) assert.equal(typeof r[k], 'number', k);
      assert.equal(r.sessions, 10);
      assert.equal(r.completed, 10);
      assert.equal(r.hooks, 30);
      assert.equal(r.hookErrors, 0);
      assert.deepEqual(r.schedule.plan, { kind: 'rate', rate: 40, durationMs: 250, maxInFlight: 10_000 });
      assert.equal(r.schedule.started, 10);
      assert.deepEqual(r.answers, { 200: 30 });
      assert.deepEqual(Object.keys(r.latency).sort(), ['ConnectionStatusEvent', 'connect']);
      const c = r.latency.connect;
      assert.equal(c.count, 10);
      assert.ok(c.min <= c.p50 && c.p50 <= c.p95 && c.p95 <= c.p99 && c.p99 <= c.max, JSON.stringify(c));
      assert.deepEqual(r.errorsByMethod, {});
    } finally {
      await b.close();
    }
  });

  it('a load run against a backend that is down still reports the failures by kind, and exits 1', async () => {
    const port = await deadPort();
    const run = runCli(['trigger', 'connect', '--backend', `http://127.0.0.1:${port}/app`, '--sessions', '4', '--concurrency', '2']);
    const { code } = await run.exited;
    assert.equal(code, 1);
    assert.match(run.stderr(), /cannot reach .*ECONNREFUSED/);
    assert.match(run.stdout(), /failed hooks by method and kind:\n {2}connect: refused ×4\n {2}ConnectionStatusEvent: refused ×8/);
    assert.doesNotMatch(run.stdout() + run.stderr(), /\n\s+at /);
  });

  it('usage errors for --rate and --duration: one line, exit 2', async () => {
    const cases: [Parameters<typeof planFromFlags>[0], RegExp][] = [
      [{ rate: '10' }, /--rate goes with --duration/],
      [{ duration: '5' }, /--duration goes with --rate/],
      [{ rate: '0', duration: '5' }, /--rate needs a number > 0, got '0'/],
      [{ rate: '5', duration: 'soon' }, /--duration needs a number > 0/],
      [{ rate: '5', duration: '5', sessions: '3' }, /--sessions or --rate\/--duration, not both/],
      [{ rate: '5', duration: '5', concurrency: '0' }, /--concurrency needs an integer ≥ 1/],
    ];
    for (const [flags, re] of cases) assert.throws(() => planFromFlags(flags), (err: Error) => isUsageError(err) && re.test(err.message), JSON.stringify(flags));
    assert.deepEqual(planFromFlags({ rate: '0.5', duration: '90' }), { kind: 'rate', rate: 0.5, durationMs: 90_000, maxInFlight: DEFAULT_MAX_IN_FLIGHT });
    assert.deepEqual(planFromFlags({}), { kind: 'count', sessions: 1, concurrency: 1 });
    // And as a user sees it: one line and exit 2.
    const run = runCli(['trigger', 'connect', '--backend', 'http://127.0.0.1:9/app', '--rate', '10']);
    const { code } = await run.exited;
    assert.equal(code, 2);
    assert.match(run.stderr(), /^wcs-hook-mock trigger: --rate goes with --duration SECONDS\nRun `wcs-hook-mock trigger --help` for the options.\n$/);
  });

  it('the progress line: redrawn in place on a terminal, erased at the end, silent off a terminal', () => {
    const snap = { sessionsStarted: 12, sessionsDone: 10, hooks: 80, answered: 77, failures: 3, failureKinds: [['timeout', 2], ['refused', 1]] as const };
    assert.equal(progressLine(snap, 41.6, 3240, 250), 'sessions 12/250 started, 10 done · hooks 80, 42/s · errors 3 (timeout 2, refused 1) · 3.2 s');
    const written: string[] = [];
    let t = 0;
    const tty = new LiveProgress({ isTTY: true, write: (s: string) => written.push(s) }, () => snap, 250, () => (t += 1000)).start();
    tty.redraw();
    tty.stop();
    assert.match(written[0]!, /^\r\x1b\[2Ksessions 12\/250 started/);
    assert.equal(written.at(-1), '\r\x1b[2K');
    const piped: string[] = [];
    const off = new LiveProgress({ isTTY: false, write: (s: string) => piped.push(s) }, () => snap).start();
    off.stop();
    assert.deepEqual(piped, []);
  });

  it('--workers N splits the run over N processes and reports it as one: every session and hook counted once', async () => {
    let hooks = 0;
    const seen = new Set<string>();
    const server = await hookBackend((_method, body, res, _req, raw) => {
      hooks++;
      if (typeof body.sessionId === 'string') seen.add(body.sessionId);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(raw);
    });
    try {
      const url = server.url;
      const run = runCli(['trigger', 'keep-alive', '--backend', url, '--sessions', '21', '-c', '4', '--workers', '2', '--json']);
      const { code } = await run.exited;
      assert.equal(code, 0, run.stderr());
      const r = JSON.parse(run.stdout()) as Record<string, unknown> & { latencyAll: { count: number }; latency: Record<string, { count: number }>; loadSource: { cpuPercent: number }; schedule: { started: number } };
      assert.equal(r.workers, 2);
      assert.equal(r.sessions, 21);
      assert.equal(r.completed, 21);
      assert.equal(r.schedule.started, 21);
      assert.equal(r.hooks, 21 * 9);
      assert.equal(hooks, 21 * 9, 'the backend got each hook once');
      assert.equal(seen.size, 21, 'one WCS session per simulated session, across both workers');
      assert.equal(r.latencyAll.count, 21 * 9, 'latencies merged from both workers');
      assert.equal(Object.values(r.latency).reduce((n, p) => n + p.count, 0), 21 * 9);
      assert.ok(r.loadSource.cpuPercent > 0);
      // The human report says the work was split.
      const human = runCli(['trigger', 'keep-alive', '--backend', url, '--sessions', '4', '--concurrency', '2', '-w', '2']);
      assert.equal((await human.exited).code, 0, human.stderr());
      assert.match(human.stdout(), /^4 sessions: 4 completed/m);
      assert.match(human.stdout(), /load source: 2 worker processes: together \d+ % of one CPU core/);
    } finally {
      await server.close();
    }
  });

  it('--workers: a plan too small to split, or a single session, is a usage error; --worker is not for users', async () => {
    const cases: [string[], RegExp][] = [
      [['--sessions', '3', '--concurrency', '3', '--workers', '4'], /4 workers need at least 4 sessions, got 3/],
      [['--sessions', '8', '--concurrency', '2', '--workers', '4'], /4 workers need a concurrency of at least 4, got 2/],
      [['--workers', '2'], /--workers splits a load run/],
      [['--sessions', '2', '--concurrency', '2', '--worker', '0/2'], /--worker is set by --workers/],
    ];
    for (const [flags, re] of cases) {
      const run = runCli(['trigger', 'connect', '--backend', 'http://127.0.0.1:9/app', ...flags]);
      assert.equal((await run.exited).code, 2, flags.join(' '));
      assert.match(run.stderr(), re, flags.join(' '));
    }
  });
});
