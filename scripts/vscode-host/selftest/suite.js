'use strict';
// The runner's self-test suite: one test that passes only if the environment reached the extension host,
// one that always fails. The runner must report the pass, the failure and a non-zero exit code.
const { join } = require('node:path');
const Mocha = require(join(__dirname, '..', '..', '..', 'node_modules', 'mocha', 'lib', 'mocha.cjs'));

exports.run = () => {
  const mocha = new Mocha({ ui: 'bdd', color: false, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'selftest', mocha);
  describe('runner self-test', () => {
    it('sees the environment code-server was started with', () => {
      if (process.env.WCS_HOST_SELFTEST !== 'passed-through') throw new Error('environment did not reach the host');
    });
    it('fails on purpose', () => {
      throw new Error('failing on purpose');
    });
  });
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} failed`)) : resolve()));
  });
};
