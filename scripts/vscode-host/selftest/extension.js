'use strict';
// The runner's self-test extension: nothing to do, it only has to load in the host.
exports.activate = () => undefined;
