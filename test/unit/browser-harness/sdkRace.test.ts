import assert from 'node:assert/strict';
import { isKnownSdkRace } from '../../browser/support/harness';

// The browser tests set aside exactly one page error: the WebSDK's own remoteVideo.muted race. These cases
// pin that the filter needs both the message and an SDK frame on top, so it cannot swallow an error of ours.
describe('browser harness: the WebSDK race it sets aside', () => {
  const message = "Cannot set properties of null (setting 'muted')";
  const stack = (file: string) => `TypeError: ${message}\n    at http://127.0.0.1:41234/${file}:1234:31\n    at async Promise.then`;

  it('is the SDK throwing from its own script', () => {
    assert.equal(isKnownSdkRace({ message, stack: stack('node_modules/@flashphoner/websdk/flashphoner.js') }), true);
    assert.equal(isKnownSdkRace({ message, stack: stack('node_modules/@flashphoner/websdk/flashphoner-room-api.js') }), true);
  });

  it('is not the same error thrown by the mock bundle or the test page', () => {
    assert.equal(isKnownSdkRace({ message, stack: stack('dist/wcs-mock.browser.js') }), false);
    assert.equal(isKnownSdkRace({ message, stack: stack('fixtures/pages/app.js') }), false);
    assert.equal(isKnownSdkRace({ message }), false, 'no stack, no excuse');
  });

  it('is not another error from the SDK', () => {
    assert.equal(isKnownSdkRace({ message: "Cannot read properties of undefined (reading 'split')", stack: stack('node_modules/@flashphoner/websdk/flashphoner.js') }), false);
  });
});
