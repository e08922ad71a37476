import assert from 'node:assert/strict';
import { UsageError } from '../../../mock-server/cli/flags';
import { parseServeArgs } from '../../../mock-server/cli/serveArgs';

describe('serve flags: forward mode', () => {
  it('reads the target, the secret (flag or env) and both breakpoint lists', () => {
    const c = parseServeArgs(['--forward', 'http://127.0.0.1:3000/wcs', '--break-before', 'connect,call', '--break-before', 'hangup', '--break-after', '*'], { WCS_HOOK_MOCK_FORWARD_SECRET: 'k' });
    assert.deepEqual(c.forward, { target: 'http://127.0.0.1:3000/wcs', secret: 'k', breakBefore: ['connect', 'call', 'hangup'], breakAfter: ['*'] });
    assert.equal(parseServeArgs(['--forward', 'https://b.example/x', '--forward-secret', 's']).forward?.secret, 's');
  });

  it('has no forward settings unless asked', () => {
    assert.equal('forward' in parseServeArgs([]), false);
  });

  it('refuses bad values with one line', () => {
    for (const [args, re] of [
      [['--forward', 'not a url'], /--forward not a URL/],
      [['--forward', 'http://h/x?q=1'], /must not have a query/],
      [['--forward', 'http://h/x', '--forward-secret', ''], /--forward-secret needs a non-empty secret/],
      [['--break-after', ' , '], /--break-after needs method names/],
    ] as const) {
      assert.throws(() => parseServeArgs([...args]), (e: unknown) => e instanceof UsageError && re.test((e as Error).message), String(args));
    }
  });
});
