import assert from 'node:assert/strict';
import { UsageError } from '../../../mock-server/cli/flags';
import { isLoopback, parseServeArgs } from '../../../mock-server/cli/serveArgs';

describe('serve flags', () => {
  it('defaults to 127.0.0.1:9091, 12 s hold, echo fallback, policy left to the terminal', () => {
    const c = parseServeArgs([]);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 9091);
    assert.equal(c.holdTimeoutMs, 12_000);
    assert.equal(c.fallback, 'echo');
    assert.equal(c.policy, undefined);
    assert.equal(c.interactive, undefined);
    assert.equal(c.basicAuth, undefined);
  });

  it('reads every flag', () => {
    const c = parseServeArgs([
      '--host', '0.0.0.0', '--port', '0', '--rules', 'r.json', '--journal', 'j.jsonl', '--hold-timeout', '2.5',
      '--fallback', 'forbid', '--policy', 'hold-all', '--user', 'wcs', '--password', 'pw', '--secret', 's',
      '--max-body', '2048', '--journal-limit', '50', '--no-interactive', '--no-watch',
      '--journal-max-mb', '64', '--allow-origin', 'https://A.example', '--allow-origin', 'http://b.example:8080/',
    ]);
    assert.deepEqual(
      { ...c },
      {
        host: '0.0.0.0', port: 0, rulesFile: 'r.json', journalFile: 'j.jsonl', holdTimeoutMs: 2500, fallback: 'forbid',
        policy: 'hold-all', basicAuth: { username: 'wcs', password: 'pw' }, signingSecret: 's', maxBodyBytes: 2048,
        journalLimit: 50, journalMaxBytes: 64 * 1024 * 1024, interactive: false, watchRules: false, help: false,
        allowOrigins: ['https://a.example', 'http://b.example:8080'],
      },
    );
    assert.equal(parseServeArgs(['--port=8081', '--hold-timeout=0']).holdTimeoutMs, 0);
  });

  it('takes the password and secret from the environment', () => {
    const c = parseServeArgs(['--user', 'u'], { WCS_HOOK_MOCK_PASSWORD: 'p', WCS_HOOK_MOCK_SECRET: 'k' });
    assert.deepEqual(c.basicAuth, { username: 'u', password: 'p' });
    assert.equal(c.signingSecret, 'k');
  });

  it('refuses bad flags with one clear message', () => {
    const cases: [string[], RegExp][] = [
      [['--prot', '1'], /^Unknown option '--prot'$/],
      [['--port', 'abc'], /--port needs an integer 0–65535, got 'abc'/],
      [['--port', '70000'], /--port needs an integer/],
      [['--port', '1.5'], /--port needs an integer/],
      [['--port'], /--port.*argument/],
      [['--hold-timeout=-1'], /--hold-timeout needs a number/],
      [['--hold-timeout', '-1'], /^Option '--hold-timeout' argument is ambiguous\. [^\n]*$/],
      [['--fallback', 'hold'], /--fallback must be echo or forbid, got 'hold'/],
      [['--policy', 'all'], /--policy must be one of hold-blockable, echo-all, hold-all/],
      [['--user', 'u'], /--user and --password go together/],
      [['--password', 'p'], /--user and --password go together/],
      [['--rules', ''], /--rules needs a file name/],
      [['extra'], /positional/i],
    ];
    for (const [argv, msg] of cases) {
      assert.throws(() => parseServeArgs(argv), (e: Error) => e instanceof UsageError && msg.test(e.message), argv.join(' '));
    }
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.ok(isLoopback(h), h);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com']) assert.ok(!isLoopback(h), h);
  });
});
