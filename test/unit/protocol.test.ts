import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  METHODS, lookupMethod, methodType, isBlockable, validateBody, errorOutcome, explainDecline, sampleBody,
  resolveMethodConfig, RestClientConfigSchema, correlationKeys, ERROR_TABLE,
} from '../../mock-server/protocol';

const EXAMPLES = join(__dirname, '..', 'fixtures', 'examples');

/** Method names as PROTOCOL.md's catalogue table lists them (backticked names in its first column). */
function protocolMethodNames(): string[] {
  // shared/ (beside the clone) is the newest copy; the fixture keeps the test meaningful without it.
  const candidates = [join(__dirname, '..', '..', '..', 'shared', 'wcs', 'PROTOCOL.md'), join(__dirname, '..', 'fixtures', 'PROTOCOL.md')];
  const text = readFileSync(candidates.find((p) => existsSync(p))!, 'utf8');
  const section = text.slice(text.indexOf('### 2.2 Catalogue'), text.indexOf('## 3. Payload fields'));
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const first = line.split('|')[1];
    for (const m of first.matchAll(/`([A-Za-z]+)`/g)) names.add(m[1]);
  }
  return [...names];
}

describe('protocol catalog', () => {
  it('has an entry for every method named in PROTOCOL.md', () => {
    const names = protocolMethodNames();
    assert.ok(names.length > 40, `expected the full table, parsed ${names.length}`);
    const missing = names.filter((n) => !lookupMethod(n));
    assert.deepEqual(missing, []);
  });

  it('lists each method once, with a description, trigger and a sample that its schema accepts', () => {
    const seen = new Set<string>();
    for (const m of METHODS) {
      assert.ok(!seen.has(m.name), `duplicate ${m.name}`);
      seen.add(m.name);
      assert.ok(m.description.length > 10 && m.trigger.length > 3, m.name);
      assert.deepEqual(validateBody(m.name, m.sample), [], `${m.name} sample`);
      for (const f of m.followUps) assert.ok(lookupMethod(f), `${m.name} follow-up ${f}`);
    }
  });

  it('accepts every example body and keeps unknown fields', () => {
    for (const file of readdirSync(EXAMPLES)) {
      const method = file.replace(/\.json$/, '').split('-')[0];
      const body = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
      assert.ok(lookupMethod(method), method);
      assert.deepEqual(validateBody(method, body), [], file);
      const parsed = lookupMethod(method)!.schema.parse({ ...body, somethingNew: { x: 1 } });
      assert.deepEqual(parsed.somethingNew, { x: 1 });
    }
  });

  it('reports wrongly typed known fields with their path', () => {
    const issues = validateBody('CallStatusEvent', { ...sampleBody('CallStatusEvent'), sipStatus: '180' });
    assert.equal(issues.length, 1);
    assert.equal(issues[0].path, 'sipStatus');
  });

  it('treats unknown names as type unknown, and accepts the documented aliases', () => {
    assert.equal(methodType('NoSuchHook'), 'unknown');
    assert.equal(isBlockable('NoSuchHook'), false);
    assert.equal(lookupMethod('sendDTMF')?.name, 'sendDtmf');
    assert.equal(lookupMethod('sendBugReport')?.name, 'submitBugReport');
    assert.deepEqual(validateBody('NoSuchHook', { a: 1 }), []);
    assert.notDeepEqual(validateBody('NoSuchHook', [1]), []);
  });

  it('holds what can be blocked and not events', () => {
    assert.ok(isBlockable('connect') && isBlockable('publishStream') && isBlockable('OnCallEvent'));
    assert.ok(!isBlockable('StreamStatusEvent') && !isBlockable('StreamKeepAliveEvent'));
  });

  it('encodes the restOnError table', () => {
    assert.equal(errorOutcome('publishStream', 'LOG').proceeds, true);
    assert.equal(errorOutcome('publishStream', 'FAIL').proceeds, false);
    assert.equal(errorOutcome('OnCallEvent', 'FAIL').callerGets403, true);
    assert.equal(errorOutcome('CallStatusEvent', 'FAIL').client, 'ErrorEvent');
    assert.equal(errorOutcome('CallStatusEvent', 'FAIL').proceeds, true);
    assert.equal(errorOutcome('StreamKeepAliveEvent', 'FAIL').proceeds, false);
    assert.equal(errorOutcome('connect', 'LOG').client, 'connection-refused');
    for (const t of Object.keys(ERROR_TABLE)) for (const mode of ['FAIL', 'LOG'] as const) assert.ok(ERROR_TABLE[t as 'event'][mode].summary);
    assert.match(explainDecline('publishStream'), /only logs.*FAIL/s);
  });

  it('resolves restClientConfig with documented defaults', () => {
    const cfg = RestClientConfigSchema.parse({ publishStream: { restExclude: 'sdp, custom', restOnError: 'FAIL' }, x: { restPolicy: 'DISABLED' } });
    assert.deepEqual(resolveMethodConfig(cfg, 'publishStream').restExclude, ['sdp', 'custom']);
    assert.equal(resolveMethodConfig(cfg, 'publishStream').restPolicy, 'NOTIFY');
    assert.equal(resolveMethodConfig(cfg, 'x').restPolicy, 'DISABLE');
    assert.equal(resolveMethodConfig(undefined, 'call').restOnError, 'LOG');
    assert.equal(RestClientConfigSchema.safeParse({ call: { restOnError: 'MAYBE' } }).success, false);
  });

  it('extracts correlation keys', () => {
    assert.deepEqual(correlationKeys(sampleBody('StreamStatusEvent')), {
      sessionId: sampleBody('StreamStatusEvent').sessionId, mediaSessionId: sampleBody('StreamStatusEvent').mediaSessionId, name: 'room42-alice',
    });
    assert.deepEqual(correlationKeys('x'), {});
  });
});
