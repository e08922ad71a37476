/**
 * Browser entry of the WCS mock, bundled to dist/wcs-mock.browser.mjs (ESM) and dist/wcs-mock.browser.js
 * (global `WcsMock`). A page adds `WcsMock.installWcsMock({url, backend})` before the app creates its
 * WebSDK session; the app's own code stays as it is. Nothing here may pull in Node built-ins.
 */
export { installWcsMock, type InstallWcsMockOptions, type InstalledWcsMock, type ClientError } from './mockSocket';
export { WcsEngine, formatLogEntry, type WcsEngineOptions, type Backend, type HookReply, type WcsLogEntry } from './engine';
export { synthesizeAnswer, synthesizeOffer } from './sdp';
export { LoopbackMedia, SyntheticMedia, testPattern, type MediaPlane, type MediaMode } from './media';
export { STREAM_FAILURE_INFO, STREAM_EVENT_TYPES, FaultSpecSchema, type FaultSpec, type FaultResult } from './faults';
