/**
 * Chromium's own verdict on the synthetic SDP, over offers the WebSDK does not make by default but an app
 * can (codec preferences, one-way media, data channels, stopped transceivers, renegotiation).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { useChromium } from './support/harness';

type Setup = 'publish' | 'play' | 'call' | 'audioOnly' | 'videoOnlyH264' | 'dataAndAudio' | 'stoppedVideo' | 'renegotiate';

interface Verdict {
  ok: boolean;
  error?: string;
  directions?: (string | null)[];
}

declare const WcsMock: {
  synthesizeAnswer(offer: string, opts?: { direction?: string }): string;
  synthesizeOffer(o: { audio: boolean; video: boolean }): string;
};

describe('browser: Chromium accepts the synthetic SDP', function () {
  const chromium = useChromium();
  let page: Page;

  before(async function () {
    page = await chromium.browser.newPage();
    await page.goto(`${chromium.site.origin}/pages/blank.html`);
  });

  /** Builds an offer the way `setup` says, answers it with synthesizeAnswer, and applies the answer. */
  function answerVerdict(setup: Setup, direction?: string): Promise<Verdict> {
    return page.evaluate(
      async ([setup, direction]) => {
        const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        const [audio] = media.getAudioTracks();
        const [video] = media.getVideoTracks();
        const pc = new RTCPeerConnection();
        try {
          if (setup === 'publish') for (const t of [audio, video]) pc.addTransceiver(t, { direction: 'sendonly', streams: [media] });
          if (setup === 'play') for (const k of ['audio', 'video']) pc.addTransceiver(k, { direction: 'recvonly' });
          if (setup === 'call') for (const t of [audio, video]) pc.addTrack(t, media);
          if (setup === 'audioOnly') pc.addTrack(audio, media);
          if (setup === 'videoOnlyH264') {
            const tr = pc.addTransceiver(video, { direction: 'sendonly' });
            const h264 = (RTCRtpSender.getCapabilities('video')?.codecs ?? []).filter((c) => /h264|rtx/i.test(c.mimeType));
            if (h264.some((c) => /h264/i.test(c.mimeType))) tr.setCodecPreferences(h264);
          }
          if (setup === 'dataAndAudio') {
            pc.createDataChannel('chat');
            pc.addTrack(audio, media);
          }
          if (setup === 'stoppedVideo' || setup === 'renegotiate') for (const t of [audio, video]) pc.addTrack(t, media);
          if (setup === 'stoppedVideo') {
            await pc.setLocalDescription(await pc.createOffer());
            await pc.setRemoteDescription({ type: 'answer', sdp: WcsMock.synthesizeAnswer(pc.localDescription!.sdp) });
            pc.getTransceivers()[1].stop();
          }
          if (setup === 'renegotiate') {
            await pc.setLocalDescription(await pc.createOffer());
            await pc.setRemoteDescription({ type: 'answer', sdp: WcsMock.synthesizeAnswer(pc.localDescription!.sdp) });
            pc.addTransceiver('video', { direction: 'recvonly' });
          }
          await pc.setLocalDescription(await pc.createOffer());
          const answer = WcsMock.synthesizeAnswer(pc.localDescription!.sdp, direction ? { direction } : undefined);
          await pc.setRemoteDescription({ type: 'answer', sdp: answer });
          return { ok: true, directions: pc.getTransceivers().map((t) => t.currentDirection) };
        } catch (e) {
          return { ok: false, error: String((e as Error).message ?? e) };
        } finally {
          pc.close();
          for (const t of media.getTracks()) t.stop();
        }
      },
      [setup, direction] as const,
    );
  }

  const cases: [Setup, string | undefined, (string | null)[]][] = [
    ['publish', undefined, ['sendonly', 'sendonly']],
    ['play', undefined, ['recvonly', 'recvonly']],
    ['call', undefined, ['sendrecv', 'sendrecv']],
    ['call', 'recvonly', ['sendonly', 'sendonly']],
    ['audioOnly', undefined, ['sendrecv']],
    ['videoOnlyH264', undefined, ['sendonly']],
    ['dataAndAudio', undefined, ['sendrecv']],
    // The stopped transceiver's m-line goes to port 0 and Chromium drops it once the answer is applied.
    ['stoppedVideo', undefined, ['sendrecv']],
    ['renegotiate', undefined, ['sendrecv', 'sendrecv', 'recvonly']],
  ];
  for (const [setup, direction, directions] of cases) {
    it(`answers the ${setup} offer${direction ? ` with direction ${direction}` : ''}`, async () => {
      const v = await answerVerdict(setup, direction);
      assert.equal(v.error, undefined);
      assert.deepEqual(v.directions, directions);
    });
  }

  it('offers incoming calls Chromium can answer (audio, video, both)', async () => {
    const verdicts = await page.evaluate(async () => {
      const out: string[] = [];
      for (const o of [{ audio: true, video: true }, { audio: true, video: false }, { audio: false, video: true }]) {
        const media = await navigator.mediaDevices.getUserMedia(o);
        const pc = new RTCPeerConnection();
        try {
          await pc.setRemoteDescription({ type: 'offer', sdp: WcsMock.synthesizeOffer(o) });
          for (const t of media.getTracks()) pc.addTrack(t, media);
          await pc.setLocalDescription(await pc.createAnswer());
          out.push(`${JSON.stringify(o)} ok ${pc.getTransceivers().map((t) => t.currentDirection).join(',')}`);
        } catch (e) {
          out.push(`${JSON.stringify(o)} ${String(e)}`);
        } finally {
          pc.close();
          for (const t of media.getTracks()) t.stop();
        }
      }
      return out;
    });
    assert.deepEqual(verdicts, [
      '{"audio":true,"video":true} ok sendrecv,sendrecv',
      '{"audio":true,"video":false} ok sendrecv',
      '{"audio":false,"video":true} ok sendrecv',
    ]);
  });
});
