/**
 * Faults on demand against the WCS mock, in Node (synthetic media), with a scripted WebSDK client.
 * Run from the repository root: npx tsx docs/examples/wcs-faults.ts
 */
import { ScriptedClient, STREAM_FAILURE_INFO, WcsEngine } from '../../mock-server';

async function main(): Promise<void> {
  // An in-process backend that echoes every hook, as the built-in EchoApp does.
  const engine = new WcsEngine({ backend: { handler: (_method, body) => ({ status: 200, body }) }, pingIntervalMs: 0 });
  const publisher = new ScriptedClient(engine);
  const viewer = new ScriptedClient(engine);
  await publisher.connect();
  await viewer.connect();
  await publisher.publish('cam1');
  await viewer.play('cam1');

  // The publisher's stream fails as on a media timeout; its viewer is stopped.
  await engine.faults.failStream('cam1', STREAM_FAILURE_INFO.rtpActivity);
  // The same as data, the way the control API takes it:
  await engine.faults.apply({ fault: 'breakNextAnswer', kind: 'publish' });
  await engine.idle();

  console.log('publisher saw:', publisher.sdkEvents.join(' | '));
  console.log('viewer saw:   ', viewer.sdkEvents.join(' | '));
  await engine.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
