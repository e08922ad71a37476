import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { PausedLog, replayHeading } from '../../../mock-server/cli/pausedLog';
import { InteractiveConsole } from '../../../mock-server/cli/ttyApp';
import { next, post, started } from '../hooks/client';

describe('paused log (lines kept while $EDITOR is open)', () => {
  it('keeps lines in order and empties on drain', () => {
    const p = new PausedLog(5);
    p.push('a', 'b');
    p.push('c');
    assert.equal(p.size, 3);
    assert.deepEqual(p.drain(), { lines: ['a', 'b', 'c'], dropped: 0 });
    assert.deepEqual(p.drain(), { lines: [], dropped: 0 });
  });

  it('keeps only the newest `max` lines and counts the dropped ones', () => {
    const p = new PausedLog(3);
    for (let i = 1; i <= 10; i++) p.push(`l${i}`);
    assert.equal(p.size, 3);
    const r = p.drain();
    assert.deepEqual(r, { lines: ['l8', 'l9', 'l10'], dropped: 7 });
    assert.equal(replayHeading(r, 3), '── 10 lines logged while the editor was open; the oldest 7 were dropped (only the last 3 are kept): ──');
  });

  it('stays bounded under a long flood', () => {
    const p = new PausedLog(100);
    for (let i = 0; i < 50_000; i++) p.push(`line ${i}`);
    const r = p.drain();
    assert.equal(r.lines.length, 100);
    assert.equal(r.lines[0], 'line 49900');
    assert.equal(r.dropped, 49_900);
  });

  it('says nothing when nothing happened', () => {
    assert.equal(replayHeading({ lines: [], dropped: 0 }, 10), undefined);
    assert.equal(replayHeading({ lines: ['x'], dropped: 0 }, 10), '── 1 line logged while the editor was open: ──');
    assert.throws(() => new PausedLog(0), RangeError);
  });
});

describe('interactive terminal while $EDITOR is open', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wcs-tty-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints nothing during the edit, then replays the hooks and timeouts that happened meanwhile', async () => {
    // A fake editor: says it is open, waits until the test releases it, writes a body and exits 0.
    const editor = join(dir, 'editor.sh');
    writeFileSync(
      editor,
      `#!/bin/sh\ntouch '${dir}/open'\nwhile [ ! -f '${dir}/release' ]; do sleep 0.05; done\nprintf '{"edited":true}' > "$1"\n`,
    );
    chmodSync(editor, 0o755);
    const { server, url } = await started({ holdTimeoutMs: 1000, policy: 'hold-blockable' });
    const input = new PassThrough() as unknown as NodeJS.ReadStream;
    const output = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    let out = '';
    output.on('data', (d: Buffer) => (out += d.toString()));
    const ui = new InteractiveConsole(server, { input, output, env: { EDITOR: editor, NO_COLOR: '1' } }, () => undefined);
    ui.start();
    try {
      const firstHeld = next(server, 'received', (ex) => ex.state === 'pending');
      const first = post(url, '/EchoApp/connect', JSON.stringify({ nodeId: 'n', appKey: 'a', sessionId: 's1' }));
      first.catch(() => undefined);
      const [held] = await firstHeld;
      (input as unknown as PassThrough).write('d');
      while (!existsSync(join(dir, 'open'))) await new Promise((r) => setTimeout(r, 20));
      const before = out;

      // While the editor is open: an event answered at once, a second held hook and its hold timeout (and the
      // edited hook's own, unless a slow machine let it fire before the editor was up).
      const timeouts = new Promise<void>((resolve) => {
        let n = 0;
        const sub = server.on('answered', (ex) => {
          if (ex.answer?.by === 'timeout' && ex.method === 'OnCallEvent' && ++n === 1) {
            sub.dispose();
            resolve();
          }
        });
      });
      assert.equal((await post(url, '/EchoApp/CallStatusEvent', JSON.stringify({ nodeId: 'n', appKey: 'a', sessionId: 's1', callId: 'c1', status: 'RING' }))).status, 200);
      const second = post(url, '/EchoApp/OnCallEvent', JSON.stringify({ nodeId: 'n', appKey: 'a', sessionId: 's1', callId: 'c2', callee: 'PPP005' }));
      await second;
      await timeouts;
      await first;
      assert.equal(out, before, 'nothing is drawn over the editor');

      writeFileSync(join(dir, 'release'), '');
      await new Promise<void>((resolve) => {
        const check = () => (/already answered/.test(out) ? resolve() : setTimeout(check, 20));
        check();
      });
      const after = out.slice(before.length);
      const heading = after.search(/── \d+ lines logged while the editor was open: ──/);
      assert.ok(heading >= 0, after);
      // The edited hook's own timeout may fire before the editor is up on a slow machine; everything posted
      // while the editor was open must come after the heading, in order.
      assert.match(out, new RegExp(`#${held.id} connect → 200 echo \\(timeout`));
      const order = [/CallStatusEvent .*→ 200/, /OnCallEvent .*HELD/, /OnCallEvent → 200 echo \(timeout/, /already answered/];
      let at = heading;
      for (const re of order) {
        const m = re.exec(after.slice(at));
        assert.ok(m, `${re} after the heading, in order:\n${after}`);
        at += m.index + m[0].length;
      }
    } finally {
      writeFileSync(join(dir, 'release'), '');
      ui.stop();
      await server.close();
    }
  });
});
