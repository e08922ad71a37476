/**
 * The JSONL journal file after round 2: a restart on a torn file loses no record, the file is private to its
 * owner, and credentials never reach it (their scheme does).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicHeader, redactCredentials, signatureHeader } from '../../../mock-server/hooks/auth';
import { readJournalFile } from '../../../mock-server/hooks/journal';
import { createHookServer, type HookServer } from '../../../mock-server/hooks/server';
import { runCli } from '../cli/process';
import { exchange } from './wire';

const BODY = '{"nodeId":"n","appKey":"defaultApp","sessionId":"s1"}';

describe('hardening: the journal file (round 2)', function () {
  this.timeout(60_000);
  let dir: string;
  let server: HookServer | undefined;
  let agent: http.Agent;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wcs-jfile-'));
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(async () => {
    agent.destroy();
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function run(file: string, n: number, options: Parameters<typeof createHookServer>[0] = {}, headers: Record<string, string> = {}): Promise<void> {
    server = createHookServer({ host: '127.0.0.1', port: 0, policy: 'echo-all', journalFile: file, ...options });
    const { port } = await server.listen();
    for (let i = 0; i < n; i++) assert.equal((await exchange(port, `/EchoApp/connect?n=${i}`, BODY, agent, headers)).status, 200);
    await server.close();
    server = undefined;
  }

  it('a restart on a torn last line starts a new line: only the torn record is lost', async () => {
    const file = join(dir, 'j.jsonl');
    await run(file, 3);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, text.length - 30));
    await run(file, 2);
    const { records, warnings } = await readJournalFile(file);
    assert.deepEqual(records.map((r) => r.url), ['/EchoApp/connect?n=0', '/EchoApp/connect?n=1', '/EchoApp/connect?n=0', '/EchoApp/connect?n=1']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /:3: not valid JSON/);
  });

  it('a clean file gets no blank line on restart', async () => {
    const file = join(dir, 'j.jsonl');
    await run(file, 1);
    await run(file, 1);
    assert.doesNotMatch(await readFile(file, 'utf8'), /\n\n/);
  });

  it('is created 0600, by the server and by the CLI', async () => {
    const file = join(dir, 'j.jsonl');
    await run(file, 1);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const cliFile = join(dir, 'cli.jsonl');
    const running = runCli(['serve', '--port', '0', '--no-interactive', '--journal', cliFile]);
    await running.waitFor(/listening on/);
    assert.equal((await stat(cliFile)).mode & 0o777, 0o600);
    running.child.kill('SIGTERM');
    await running.exited;
  });

  it('redacts credentials in the file and keeps their scheme; the in-memory exchange still has them', async () => {
    const file = join(dir, 'j.jsonl');
    const basic = basicHeader('wcs', 'sip-password');
    await run(file, 1, { basicAuth: { username: 'wcs', password: 'sip-password' }, signingSecret: 'k' }, {
      authorization: `${basic}, ${signatureHeader(BODY, 'k')}`,
      'proxy-authorization': 'Bearer tok3n',
    });
    const text = await readFile(file, 'utf8');
    assert.doesNotMatch(text, new RegExp(basic.slice(6)));
    assert.doesNotMatch(text, /tok3n/);
    assert.doesNotMatch(text, /[0-9a-f]{32}/);
    const { records } = await readJournalFile(file);
    assert.equal(records[0]!.headers.authorization, 'Basic [redacted], WCS [redacted]');
    assert.equal(records[0]!.headers['proxy-authorization'], 'Bearer [redacted]');
    assert.equal(redactCredentials('opaque-token'), '[redacted]');
    assert.equal(redactCredentials('Digest username="a", realm="b"'), 'Digest [redacted]');
  });
});
