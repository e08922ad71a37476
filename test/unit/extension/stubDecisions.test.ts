import assert from 'node:assert/strict';
import { sampleBody } from '../../../mock-server/protocol';
import { generateStub } from '../../../mock-server/codegen/stubs';
import { decisionKeyField, decisionsFromExchanges, exchangesForStub, methodsSeen } from '../../../extension/stubDecisions';
import { HookView } from '../../../mock-server/view';
import { answered, exchange } from '../view/exchanges';

describe('stub decisions from the tree', () => {
  it('keys decisions on the field that tells hooks of a method apart', () => {
    assert.equal(decisionKeyField('OnCallEvent'), 'callee');
    assert.equal(decisionKeyField('publishStream'), 'name');
    assert.equal(decisionKeyField('OnMessageEvent'), 'to');
    assert.equal(decisionKeyField('connect'), undefined);
    assert.equal(decisionKeyField('nope'), undefined);
  });

  it('turns the developer\'s declines into conditioned decisions and ignores echoes, rules and timeouts', () => {
    const call = (callee: string) => exchange('OnCallEvent', { ...sampleBody('OnCallEvent'), callee });
    const exchanges = [
      answered(exchange('connect'), 'echo'),
      answered(call('PPP005'), 'forbid'),
      answered(call('PPP006'), 'echo'),
      answered(exchange('publishStream'), { status: 403, reason: 'room closed' }),
      answered(exchange('playStream'), 'forbid', 'rule'),
      answered(exchange('call'), 'forbid', 'timeout'),
      answered(exchange('connect', { ...sampleBody('connect') }), { status: 200, body: { ...sampleBody('connect'), restClientConfig: {} } }),
      exchange('hangup'),
    ];
    assert.deepEqual(decisionsFromExchanges(exchanges), [
      { method: 'OnCallEvent', when: { callee: 'PPP005' }, answer: 'forbid' },
      { method: 'publishStream', when: { name: 'room42-alice' }, answer: { status: 403, reason: 'room closed' } },
      { method: 'connect', answer: { status: 200, body: { ...sampleBody('connect'), restClientConfig: {} } } },
    ]);
    assert.deepEqual(methodsSeen(exchanges), ['connect', 'OnCallEvent', 'publishStream', 'playStream', 'call', 'hangup']);
  });

  it('lets a later echo of the same hook undo an earlier decline, and keeps the latest answer', () => {
    const a = exchange('OnCallEvent');
    assert.deepEqual(decisionsFromExchanges([answered(a, 'forbid'), answered(exchange('OnCallEvent'), 'echo')]), []);
    assert.deepEqual(
      decisionsFromExchanges([answered(a, 'forbid'), answered(exchange('OnCallEvent'), { status: 403, reason: 'r' })]),
      [{ method: 'OnCallEvent', when: { callee: '1001' }, answer: { status: 403, reason: 'r' } }],
    );
  });

  it('produces decisions the stub generator accepts and writes as commented conditions', () => {
    const decisions = decisionsFromExchanges([answered(exchange('OnCallEvent', { ...sampleBody('OnCallEvent'), callee: 'PPP005' }), 'forbid')]);
    const stub = generateStub({ target: 'javascript-node', methods: ['OnCallEvent'], decisions });
    const code = stub.files.find((f) => f.path === stub.entry)!.content;
    assert.match(code, /you declined OnCallEvent when callee = PPP005/);
  });

  it('takes the methods of every selected row, not only the clicked one, and everything with no row', () => {
    const view = new HookView();
    view.setMode('timeline');
    view.ingest(answered(exchange('connect')));
    view.ingest(answered(exchange('call')));
    view.ingest(answered(exchange('publishStream')));
    view.flush();
    const rows = view.roots().filter((n) => n.kind === 'exchange');
    assert.equal(rows.length, 3);
    const methods = (arg: unknown, selection: unknown) => methodsSeen(exchangesForStub(view, arg, selection));
    assert.deepEqual(methods(rows[1], [rows[1], rows[2]]).sort(), ['call', 'publishStream']);
    assert.deepEqual(methods(rows[1], [rows[1]]), ['call']);
    assert.deepEqual(methods(rows[1], undefined), ['call']);
    assert.deepEqual(methods(undefined, undefined).sort(), ['call', 'connect', 'publishStream']);
  });
});
