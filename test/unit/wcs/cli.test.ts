/** `trigger` and `check` as a user runs them: subprocesses against real HTTP backends on 127.0.0.1. */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import { deadPort as freePort, hookBackend } from '../../support/net';

const ROOT = path.resolve(__dirname, '../../..');
const SAMPLE = path.join(__dirname, 'fixtures', 'sample-backend.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'mock-server/cli.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: stderr.replace(/^npm warn .*\n/gm, '') }));
  });
}


/** A backend that gets connect wrong (drops fields) and answers everything as text/plain. */
function brokenBackend(): Promise<{ url: string; close: () => Promise<void> }> {
  return hookBackend((method, body, res) => {
    if (method === 'connect') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ appKey: body.appKey, sessionId: body.sessionId, status: 'OK' }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('OK');
  });
}

function assertNoStack(r: Run): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
}

describe('wcs-hook-mock trigger / check (CLI)', function () {
  this.timeout(60_000);
  let hooks: HookServer;
  let hooksUrl: string;
  let tmp: string;

  before(async () => {
    hooks = createHookServer({ port: 0, policy: 'echo-all' });
    hooksUrl = `${(await hooks.listen()).url}/EchoApp`;
    tmp = mkdtempSync(path.join(tmpdir(), 'wcs-cli-'));
  });
  after(async () => {
    await hooks.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('trigger outgoing-call against the hook server: hooks, answers and what the SDK saw; the server got the WCS sequence', async () => {
    const before = hooks.journal.all().length;
    const r = await cli(['trigger', 'outgoing-call', '--backend', hooksUrl]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^trigger outgoing-call → http:\/\/127\.0\.0\.1:\d+\/EchoApp/);
    assert.match(r.stdout, /hook → call PENDING\n {2}hook ← call 200 application\/json/);
    assert.match(r.stdout, /WebSDK client saw:\n {4}session ESTABLISHED\n {4}session REGISTERED\n {4}call \w+ TRYING\n {4}call \w+ RING\n {4}call \w+ ESTABLISHED\n {4}call \w+ FINISH/);
    assert.match(r.stdout, /1 session: 1 completed, 0 refused; 10 hooks \(0 not 200\)/);
    const got = hooks.journal.all().slice(before).map((e) => e.method);
    assert.deepEqual(got, ['connect', 'ConnectionStatusEvent', 'RegistrationStatusEvent', 'call', 'CallStatusEvent', 'CallStatusEvent', 'CallStatusEvent', 'hangup', 'CallStatusEvent', 'ConnectionStatusEvent']);
  });

  it('trigger --far-end scripts the SIP side: a SIP 403 reaches the client as FAILED "SIP 403 FORBIDDEN"', async () => {
    const r = await cli(['trigger', 'outgoing-call', '--backend', hooksUrl, '--far-end', 'reject:403']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /decision \[call\]: far end: rejects with SIP 403/);
    assert.match(r.stdout, /call \w+ FAILED: SIP 403 FORBIDDEN/);
    assert.match(r.stdout, /stopped: call: FAILED \(SIP 403 FORBIDDEN\)/);
  });

  it('trigger --json with sessions and concurrency (a load source)', async () => {
    const r = await cli(['trigger', 'connect', '--backend', hooksUrl, '--sessions', '6', '--concurrency', '3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.equal(res.scenario, 'connect');
    assert.equal(res.sessions, 6);
    assert.equal(res.completed, 6);
    assert.equal(res.hooks, 18);
    assert.equal(res.transcripts.length, 6);
    const plain = await cli(['trigger', 'data', '--backend', hooksUrl, '--sessions', '25', '--concurrency', '5']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /25 sessions: 25 completed, 0 refused; 125 hooks \(0 not 200\) in \d+ ms — [\d.]+ sessions\/s, [\d.]+ hooks\/s/);
  });

  it('trigger and check with Basic auth and signing flags against a hook server that requires them', async () => {
    const strict = createHookServer({ port: 0, policy: 'echo-all', signingSecret: 'k3y', basicAuth: { username: 'wcs', password: 'pw' } });
    const url = `${(await strict.listen()).url}/app`;
    try {
      const ok = await cli(['check', '--backend', url, '--user', 'wcs', '--secret', 'k3y'], { WCS_HOOK_MOCK_PASSWORD: 'pw' });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      const bad = await cli(['trigger', 'connect', '--backend', url, '--user', 'wcs', '--password', 'pw', '--secret', 'wrong']);
      assert.equal(bad.code, 0, 'a refused session is a result, not a failure');
      assert.match(bad.stdout, /session WARN: .* \(apiMethod ConnectionStatusEvent\)/);
      assert.match(bad.stdout, /0 completed, 1 refused/);
      const several = await cli(['trigger', 'connect', '--backend', url, '--user', 'wcs', '--password', 'pw', '--sessions', '3']);
      assert.equal(several.code, 0);
      assert.doesNotMatch(several.stdout, /WebSDK client saw/, 'several sessions: summary only');
      assert.match(several.stdout, /^stopped: connect refused: .* \(×3\)$/m);
    } finally {
      await strict.close();
    }
  });

  it('check against the hook server passes and writes JUnit', async () => {
    const junit = path.join(tmp, 'ok.xml');
    const r = await cli(['check', '--backend', hooksUrl, '--junit', junit]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /connect echoes what it got: exact mirror/);
    assert.match(r.stdout, /^PASS: \d+ passed, 0 warnings, 0 failed/m);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuites name="wcs-hook-mock check" tests="\d+" failures="0"/);
  });

  it('check against a broken backend (non-echoing connect, wrong content type) fails with the reasons', async () => {
    const broken = await brokenBackend();
    try {
      const junit = path.join(tmp, 'broken.xml');
      const r = await cli(['check', '--backend', broken.url, '--junit', junit]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /✘ connect echoes what it got: missing nodeId, .*; adds status/);
      assert.match(r.stdout, /✘ call, answer, hold, .* and \d+ more: answer is JSON: Content-Type is "text\/plain"; WCS needs application\/json/);
      assert.match(r.stdout, /^FAIL: /m);
      const xml = readFileSync(junit, 'utf8');
      const failures = Number(/<testsuites [^>]*failures="(\d+)"/.exec(xml)![1]);
      assert.ok(failures > 40, `failures=${failures}`);
      assert.match(xml, /<testcase classname="wcs-hook-mock\.check\.methods" name="call: answer is JSON"[^>]*><failure message="Content-Type is &quot;text\/plain&quot;/);
      const trig = await cli(['trigger', 'publish', '--backend', broken.url]);
      assert.equal(trig.code, 0, trig.stderr);
      assert.match(trig.stdout, /stream stream-1 PUBLISHING/);
    } finally {
      await broken.close();
    }
  });

  it('an unreachable backend: one clear line, no stack trace, exit 1', async () => {
    const url = `http://127.0.0.1:${await freePort()}/app`;
    for (const args of [['trigger', 'connect', '--backend', url], ['check', '--backend', url]]) {
      const r = await cli(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assertNoStack(r);
      assert.match(r.stderr, new RegExp(`^wcs-hook-mock ${args[0]}: .*cannot reach ${url.replace(/[/.]/g, '\\$&')}/connect: ECONNREFUSED`));
    }
  });

  it('usage errors exit 2 with one line and a pointer to --help', async () => {
    const cases: [string[], RegExp][] = [
      [['trigger', 'connect'], /--backend URL is required/],
      [['trigger', '--backend', hooksUrl], /which scenario\?/],
      [['trigger', 'dance', '--backend', hooksUrl], /unknown scenario 'dance'/],
      [['trigger', 'connect', '--backend', 'ftp://x'], /http:\/\/ or https:\/\//],
      [['trigger', 'connect', '--backend', hooksUrl, '--sessions', '0'], /--sessions needs an integer ≥ 1/],
      [['trigger', 'outgoing-call', '--backend', hooksUrl, '--far-end', 'reject:200'], /SIP status 400–699/],
      [['check', '--backend', hooksUrl, '--connect-extra', '{oops'], /--connect-extra is not JSON/],
      [['check', '--backend', hooksUrl, '--bogus'], /bogus/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.match(r.stderr, /--help/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    const help = await cli(['trigger', '--help']);
    assert.equal(help.code, 0);
    for (const s of ['connect', 'outgoing-call', 'incoming-call', 'publish', 'play', 'data', 'keep-alive', 'messaging']) assert.match(help.stdout, new RegExp(`\\n  ${s} `));
  });

  describe('the sample backend of docs/wcs-mock.md', () => {
    let child: ChildProcess;
    let url: string;
    before(async () => {
      child = spawn(process.execPath, [SAMPLE, '0'], { cwd: ROOT });
      url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d;
          const m = /backend: (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`sample backend exited with ${code}`)));
      });
    });
    after(() => {
      child.kill();
    });

    it('trigger play shows the client the backend\'s reason', async () => {
      const r = await cli(['trigger', 'play', '--backend', url]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /stream stream-1 FAILED: Playback needs a subscription/);
      assert.match(r.stdout, /session WARN: Playback needs a subscription \(apiMethod StreamStatusEvent\)/);
    });

    it('check passes, reporting the decline', async () => {
      const r = await cli(['check', '--backend', url]);
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /✔ playStream: declines \(403\): reason "Playback needs a subscription"/);
      assert.match(r.stdout, /restClientConfig is valid: settings for playStream/);
    });

    it('is the code printed in docs/wcs-mock.md', () => {
      const md = readFileSync(path.join(ROOT, 'docs/wcs-mock.md'), 'utf8');
      const block = /<!-- sample-backend -->\n```js\n([\s\S]*?)```/.exec(md);
      assert.ok(block, 'docs/wcs-mock.md has the sample backend block');
      assert.equal(block[1], readFileSync(SAMPLE, 'utf8'));
    });
  });
});
