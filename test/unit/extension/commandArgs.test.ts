import assert from 'node:assert/strict';
import { hookTypesArg, textArg, uriArg } from '../../../extension/commandArgs';
import { HookView } from '../../../mock-server/view';
import { exchange } from '../view/exchanges';

/** What VS Code passes from an item's context menu: the tree node (and the selection). */
function treeNode() {
  const view = new HookView();
  view.ingest(exchange('connect'));
  view.flush();
  return view.roots()[0];
}

describe('command arguments from every place a command is contributed', () => {
  it('takes text only from a string: a tree node or nothing means "ask"', () => {
    assert.equal(textArg('call'), 'call');
    assert.equal(textArg(''), '');
    assert.equal(textArg(undefined), undefined);
    assert.equal(textArg(treeNode()), undefined);
  });

  it('takes hook types only from an array of known types', () => {
    assert.deepEqual(hookTypesArg(['connect', 'direct']), ['connect', 'direct']);
    assert.deepEqual(hookTypesArg([]), []);
    assert.equal(hookTypesArg(undefined), undefined);
    assert.equal(hookTypesArg(treeNode()), undefined);
    assert.equal(hookTypesArg([treeNode()]), undefined, 'the selection array of an item menu');
    assert.equal(hookTypesArg(['nonsense']), undefined);
  });

  it('takes a target file only from a Uri-shaped value', () => {
    const uri = { scheme: 'file', path: '/tmp/x.jsonl', with: () => uri };
    assert.equal(uriArg(uri), uri);
    assert.equal(uriArg(undefined), undefined);
    assert.equal(uriArg(treeNode()), undefined);
    assert.equal(uriArg({ scheme: '', path: '', with: () => undefined }), undefined, 'the empty path VS Code failed on');
    assert.equal(uriArg('/tmp/x.jsonl'), undefined);
  });
});
