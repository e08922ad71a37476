/** The programmatic example of docs/api.md is run as written, so the documentation cannot drift from the API. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '../../..');

describe('docs/api.md, hook server section', () => {
  it('the programmatic API example runs and prints what it says', async () => {
    const md = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
    const block = /```ts\n(\/\/ try-hooks\.ts[\s\S]*?)```/.exec(md)?.[1];
    assert.ok(block, 'the example is in the document');
    const dir = await mkdtemp(join(tmpdir(), 'wcs-doc-'));
    const file = join(dir, 'try-hooks.ts');
    await writeFile(file, block.replace("from './mock-server'", `from ${JSON.stringify(join(ROOT, 'mock-server'))}`));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, timeout: 20_000 });
    assert.match(stdout, /#1 connect \(connect\) pending/);
    assert.match(stdout, /#1 -> 200 by developer/);
    assert.match(stdout, /connect answer: \{"sessionId":"s1","appKey":"defaultApp","restClientConfig":\{"publishStream":\{"restOnError":"FAIL"\}\}\}/);
    assert.match(stdout, /publishStream answer: 403 \{"status":403,"reason":"no"\}/);
    assert.match(stdout, /^curl -sS -i -X POST 'http:\/\/127\.0\.0\.1:\d+\/EchoApp\/connect'/m);
  });
});
