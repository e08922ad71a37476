import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAnswer, renderAnswer } from '../../../mock-server/hooks/answer';
import { checkBasic, checkSignature, signBody } from '../../../mock-server/hooks/auth';
import { ExchangeRecord } from '../../../mock-server/hooks/exchange';
import { toCurl, toHttpFile } from '../../../mock-server/hooks/export';
import { Journal, readJournalFile } from '../../../mock-server/hooks/journal';
import { splitHookPath } from '../../../mock-server/hooks/path';
import type { Exchange } from '../../../mock-server/hooks/types';
import { needs } from '../../support/skip';
import { post, started } from './client';

const run = promisify(execFile);
const hasCurl = spawnSync('curl', ['--version']).status === 0;

function exchange(id: string, over: Partial<Exchange> = {}): Exchange {
  return {
    id, receivedAt: 0, app: '/EchoApp', method: 'connect', type: 'connect', unknownMethod: false, httpMethod: 'POST',
    url: '/EchoApp/connect', headers: {}, rawBody: '{}', body: {}, issues: [], keys: {}, state: 'answered', ...over,
  };
}

describe('hook server parts', () => {
  describe('renderAnswer', () => {
    const raw = Buffer.from('{ "a" : 1 }');
    it('echo sends the received buffer itself', () => {
      const w = renderAnswer('echo', raw, { a: 1 });
      assert.equal(w.body, raw);
      assert.equal(w.status, 200);
      assert.deepEqual(w.headers, { 'Content-Type': 'application/json' });
    });
    it('merge over a non-object body sends the merge object alone', () => {
      assert.equal(renderAnswer({ status: 200, merge: { b: 2 } }, Buffer.from('[1]'), [1]).body.toString(), '{"b":2}');
    });
    it('describes answers in one short phrase', () => {
      assert.equal(describeAnswer('echo'), '200 echo');
      assert.equal(describeAnswer({ status: 403, reason: 'busy' }), '403 "busy"');
      assert.equal(describeAnswer({ status: 200, merge: {} }), '200 merge');
      assert.equal(describeAnswer({ status: 500, body: 'x' }), '500 body');
    });
  });

  describe('signatures', () => {
    it('is HMAC-MD5 in lowercase hex over the raw bytes', () => {
      // RFC 2104 test case 2.
      assert.equal(signBody('what do ya want for nothing?', 'Jefe'), '750c783e6ab0b503eaa86e310a5db738');
      assert.equal(checkSignature(['WCS 750C783E6AB0B503EAA86E310A5DB738'], Buffer.from('what do ya want for nothing?'), 'Jefe'), undefined);
      assert.match(checkSignature(['Basic eDp5'], Buffer.from('x'), 's')!, /missing/);
      assert.match(checkBasic(['Basic !!!'], 'u', 'p')!, /wrong/);
    });
  });

  describe('splitHookPath', () => {
    it('handles prefixes, query strings, trailing slashes, escapes and absolute targets', () => {
      assert.deepEqual(splitHookPath('/a/b/c/OnCallEvent?x=/y'), { app: '/a/b/c', method: 'OnCallEvent' });
      assert.deepEqual(splitHookPath('/'), { app: '', method: '' });
      assert.deepEqual(splitHookPath('/EchoApp/my%20hook'), { app: '/EchoApp', method: 'my hook' });
      assert.deepEqual(splitHookPath('/EchoApp/bad%zz'), { app: '/EchoApp', method: 'bad%zz' });
      assert.deepEqual(splitHookPath('http://h:1/EchoApp/connect'), { app: '/EchoApp', method: 'connect' });
    });
  });

  describe('ExchangeRecord', () => {
    const rec = new ExchangeRecord(
      {
        seq: 12,
        receivedAt: Date.now(),
        method: 'StreamStatusEvent',
        url: '/apps/EchoApp/StreamStatusEvent',
        rawHeaders: ['Content-Type', 'application/json', 'X-A', '1', 'x-a', '2'],
        remoteAddress: '127.0.0.1',
        raw: Buffer.from('{"sessionId":"s","name":"cam","status":"PUBLISHING"}'),
      },
      { sessionId: 's', name: 'cam', status: 'PUBLISHING' },
    );

    it('derives app, type, headers, keys and the answer from what it keeps', () => {
      assert.equal(rec.id, '12');
      assert.equal(rec.app, '/apps/EchoApp');
      assert.equal(rec.type, 'event');
      assert.equal(rec.unknownMethod, false);
      assert.deepEqual(rec.headers, { 'content-type': 'application/json', 'x-a': '1, 2' });
      assert.deepEqual(rec.keys, { sessionId: 's', name: 'cam' });
      assert.equal(rec.answer, undefined);
      rec.recordAnswer({ status: 200, spec: 'echo', by: 'rule', body: undefined, bytes: 52, json: true, closeConnection: false, at: rec.receivedAt + 3 });
      assert.equal(rec.state, 'answered');
      assert.equal(rec.latencyMs, 3);
      assert.deepEqual(rec.answer, {
        status: 200,
        headers: { 'Content-Type': 'application/json', 'Content-Length': '52' },
        body: rec.rawBody,
        spec: 'echo',
        by: 'rule',
        at: rec.receivedAt + 3,
      });
    });

    it('parses a released body again on read, and serialises every field', () => {
      rec.forgetBody();
      assert.deepEqual(rec.body, { sessionId: 's', name: 'cam', status: 'PUBLISHING' });
      const plain = JSON.parse(JSON.stringify(rec)) as Record<string, unknown>;
      for (const k of ['id', 'receivedAt', 'app', 'method', 'type', 'url', 'headers', 'rawBody', 'body', 'issues', 'keys', 'state', 'answer', 'latencyMs']) {
        assert.ok(k in plain, k);
      }
    });
  });

  describe('Journal', () => {
    it('finds ids that are not sequential numbers too', () => {
      const j = new Journal(2);
      for (const id of ['a', 'b', 'c']) j.add(exchange(id));
      assert.equal(j.get('a'), undefined);
      assert.equal(j.get('c')?.id, 'c');
      assert.equal(j.get('zz'), undefined);
    });

    it('is a ring: arrival order kept across wrap-around, lookups follow drops', () => {
      const j = new Journal(3);
      for (let i = 1; i <= 7; i++) j.add(exchange(String(i)));
      assert.deepEqual(j.all().map((e) => e.id), ['5', '6', '7']);
      assert.equal(j.dropped, 4);
      assert.equal(j.get('4'), undefined);
      assert.equal(j.get('6')?.id, '6');
      j.clear();
      assert.equal(j.size, 0);
    });

    it('reads JSONL, skipping a torn last line and bad lines with warnings', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wcs-jsonl-'));
      const file = join(dir, 'j.jsonl');
      const line = (id: string) => JSON.stringify(exchange(id));
      await writeFile(file, `${line('1')}\nnot json\n[1]\n\n${line('2')}\n${line('3').slice(0, 40)}`);
      const { records, warnings } = await readJournalFile(file);
      assert.deepEqual(records.map((r) => r.id), ['1', '2']);
      assert.equal(warnings.length, 3);
      assert.match(warnings[0]!, /j\.jsonl:2: not valid JSON/);
      assert.match(warnings[1]!, /j\.jsonl:3: not an exchange record/);
      assert.match(warnings[2]!, /j\.jsonl:6: incomplete last line/);
    });
  });

  describe('export', () => {
    const body = `{\n  "sessionId" : "it's \\"quoted\\"",\n  "x" : 1\n}`;
    const ex = exchange('7', {
      url: '/rest/my_api/connect',
      app: '/rest/my_api',
      rawBody: body,
      headers: { 'content-type': 'application/json;charset=UTF-8', authorization: 'WCS abc', 'content-length': '5', host: 'h' },
    });

    it('toCurl quotes for the shell and keeps the bytes', () => {
      const cmd = toCurl(ex, 'http://127.0.0.1:9091/');
      assert.match(cmd, /^curl -sS -i -X POST 'http:\/\/127\.0\.0\.1:9091\/rest\/my_api\/connect'/);
      assert.match(cmd, /-H 'Authorization: WCS abc'/);
      assert.doesNotMatch(cmd, /Content-Length|Host:/i);
      // The shell gives back exactly the body: run printf through sh with the same quoting.
      const quoted = cmd.slice(cmd.indexOf('--data-binary ') + '--data-binary '.length);
      assert.equal(execFileSync('sh', ['-c', `printf %s ${quoted}`]).toString(), body);
    });

    it('toCurl replays against a live server byte for byte', async function () {
      needs(this, hasCurl, 'curl', 'apt-get install curl');
      const { server, url } = await started({ policy: 'echo-all' });
      try {
        // Asynchronously: the server answering curl runs in this process.
        const { stdout: out } = await run('sh', ['-c', toCurl(exchange('1', { rawBody: body, url: '/EchoApp/StreamStatusEvent' }), url)]);
        assert.ok(out.startsWith('HTTP/1.1 200'));
        assert.ok(out.endsWith(`\r\n\r\n${body}`));
        assert.equal(server.journal.all()[0]!.rawBody, body);
      } finally {
        await server.close();
      }
    });

    it('toHttpFile writes a REST Client request', () => {
      const text = toHttpFile(ex, 'http://localhost:9091');
      const lines = text.split('\n');
      assert.equal(lines[0], '### connect #7 (/rest/my_api)');
      assert.equal(lines[1], 'POST http://localhost:9091/rest/my_api/connect');
      assert.ok(lines.includes('Content-Type: application/json;charset=UTF-8'));
      assert.ok(lines.includes('Authorization: WCS abc'));
      const blank = lines.indexOf('');
      assert.equal(lines.slice(blank + 1).join('\n'), body + '\n');
    });
  });

  it('the test client really posts (sanity for the helpers)', async () => {
    const { server, url, agent } = await started({ policy: 'echo-all' });
    try {
      assert.equal((await post(url, '/x/y', '{"z":1}', { agent })).text, '{"z":1}');
    } finally {
      agent.destroy();
      await server.close();
    }
  });
});
