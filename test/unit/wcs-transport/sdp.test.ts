import assert from 'node:assert/strict';
import { synthesizeAnswer, synthesizeOffer } from '../../../mock-server/wcs/sdp';

// A publish offer as Chromium writes it (trimmed of extmap/ssrc noise, which the answer must not copy anyway).
const PUBLISH_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Q4Rk',
  'a=ice-pwd:5Vq8bXoAYOrTJw8UUr7zYrlV',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00',
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=sendonly',
  'a=msid:- 7d0f',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:1111 cname:abc',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Q4Rk',
  'a=ice-pwd:5Vq8bXoAYOrTJw8UUr7zYrlV',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00',
  'a=setup:actpass',
  'a=mid:1',
  'a=sendonly',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 goog-remb',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 VP9/90000',
  'a=fmtp:98 profile-id=0',
  'a=rtpmap:99 rtx/90000',
  'a=fmtp:99 apt=98',
  '',
].join('\r\n');

function sections(sdp: string): string[][] {
  const out: string[][] = [[]];
  for (const l of sdp.split('\r\n').filter(Boolean)) {
    if (l.startsWith('m=')) out.push([]);
    out[out.length - 1].push(l);
  }
  return out;
}

describe('wcs synthetic SDP', () => {
  it('answers every offer m-line in order with transport attributes Chromium requires', () => {
    const answer = synthesizeAnswer(PUBLISH_OFFER);
    assert.ok(answer.endsWith('\r\n'));
    const [head, audio, video] = sections(answer);
    assert.equal(head[0], 'v=0');
    assert.ok(head.includes('a=group:BUNDLE 0 1'));
    assert.match(audio[0], /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111 110$/);
    assert.match(video[0], /^m=video \d+ UDP\/TLS\/RTP\/SAVPF 96 97$/);
    for (const [i, s] of [audio, video].entries()) {
      assert.ok(s.includes(`a=mid:${i}`));
      assert.ok(s.includes('a=rtcp-mux'));
      assert.ok(s.includes('a=setup:active'), 'answerer takes a definite DTLS role');
      assert.ok(!s.some((l) => l === 'a=setup:actpass'));
      assert.match(s.find((l) => l.startsWith('a=fingerprint:'))!, /^a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      assert.match(s.find((l) => l.startsWith('a=ice-ufrag:'))!, /^a=ice-ufrag:[A-Za-z0-9+/]{4,256}$/);
      assert.match(s.find((l) => l.startsWith('a=ice-pwd:'))!, /^a=ice-pwd:[A-Za-z0-9+/]{22,256}$/);
      assert.ok(s.includes('a=recvonly'), 'sendonly offer is answered recvonly');
      assert.ok(!s.some((l) => l.startsWith('a=msid:')), 'a receive-only side announces no track');
      assert.ok(!s.some((l) => l.startsWith('a=ssrc') || l.startsWith('a=extmap')));
    }
    assert.ok(audio.some((l) => l.startsWith('a=candidate:') && l.includes(' 127.0.0.1 ') && l.includes(' typ host')));
  });

  it('keeps only the chosen codecs and each one\'s own rtpmap/fmtp/rtcp-fb lines', () => {
    const [, audio, video] = sections(synthesizeAnswer(PUBLISH_OFFER));
    const codecLines = (s: string[]) => s.filter((l) => /^a=(rtpmap|fmtp|rtcp-fb):/.test(l));
    assert.deepEqual(codecLines(audio), [
      'a=rtpmap:111 opus/48000/2',
      'a=rtcp-fb:111 transport-cc',
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=rtpmap:110 telephone-event/48000',
    ]);
    assert.deepEqual(codecLines(video), [
      'a=rtpmap:96 VP8/90000',
      'a=rtcp-fb:96 goog-remb',
      'a=rtcp-fb:96 nack',
      'a=rtcp-fb:96 nack pli',
      'a=rtpmap:97 rtx/90000',
      'a=fmtp:97 apt=96',
    ]);
  });

  it('mirrors direction and narrows it by the mock side\'s wish', () => {
    const dirOf = (sdp: string) => sections(sdp).slice(1).map((s) => s.find((l) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l)));
    const with_ = (d: string) => PUBLISH_OFFER.replaceAll('a=sendonly', `a=${d}`);
    assert.deepEqual(dirOf(synthesizeAnswer(with_('recvonly'))), ['a=sendonly', 'a=sendonly']);
    assert.deepEqual(dirOf(synthesizeAnswer(with_('sendrecv'))), ['a=sendrecv', 'a=sendrecv']);
    assert.deepEqual(dirOf(synthesizeAnswer(with_('sendrecv'), { direction: 'recvonly' })), ['a=recvonly', 'a=recvonly']);
    assert.deepEqual(dirOf(synthesizeAnswer(with_('inactive'))), ['a=inactive', 'a=inactive']);
    assert.deepEqual(dirOf(synthesizeAnswer(PUBLISH_OFFER, { direction: 'sendonly' })), ['a=inactive', 'a=inactive']);
    const sending = sections(synthesizeAnswer(with_('recvonly')))[1];
    assert.ok(sending.some((l) => l.startsWith('a=msid:')), 'a sending side announces its track');
  });

  it('keeps a rejected m-line rejected and out of BUNDLE', () => {
    const offer = PUBLISH_OFFER.replace('m=video 9 ', 'm=video 0 ');
    const [head, , video] = sections(synthesizeAnswer(offer));
    assert.ok(head.includes('a=group:BUNDLE 0'));
    assert.match(video[0], /^m=video 0 /);
    assert.ok(video.includes('a=mid:1'));
  });

  it('refuses what is not SDP with a clear error', () => {
    assert.throws(() => synthesizeAnswer('hello'), /must be a string starting with "v=0"/);
    assert.throws(() => synthesizeAnswer(undefined as unknown as string), /must be a string/);
    assert.throws(() => synthesizeAnswer(PUBLISH_OFFER, { direction: 'both' as 'sendrecv' }), /direction must be one of/);
  });

  it('writes a bundled sendrecv offer with actpass for incoming calls', () => {
    const [head, audio, video] = sections(synthesizeOffer({ audio: true, video: true }));
    assert.ok(head.includes('a=group:BUNDLE 0 1'));
    for (const s of [audio, video]) {
      assert.ok(s.includes('a=setup:actpass'));
      assert.ok(s.includes('a=sendrecv'));
      assert.ok(s.includes('a=rtcp-mux'));
    }
    assert.equal(sections(synthesizeOffer({ audio: true, video: false })).length, 2);
    assert.throws(() => synthesizeOffer({} as never), /needs \{audio: boolean, video: boolean\}/);
  });

  it('uses fresh credentials per SDP', () => {
    const ufrag = (sdp: string) => sdp.match(/a=ice-ufrag:(\S+)/)![1];
    assert.notEqual(ufrag(synthesizeAnswer(PUBLISH_OFFER)), ufrag(synthesizeAnswer(PUBLISH_OFFER)));
  });
});

describe('wcs synthetic SDP: answers from a template', () => {
  // The parts every answer makes anew; the rest of the text is the same for one offer.
  const RANDOM = /^(o=- \d+ .*|a=ice-ufrag:.*|a=ice-pwd:.*|a=fingerprint:.*|a=msid-semantic: WMS .*|a=msid:.*)$/;
  const mask = (sdp: string) => sdp.split('\r\n').map((l) => (RANDOM.test(l) ? l.replace(/[:\s].*$/, ' <random>') : l));

  it('a repeated offer gets the same answer with fresh credentials, ids and fingerprint each time', () => {
    const first = synthesizeAnswer(PUBLISH_OFFER);
    const second = synthesizeAnswer(PUBLISH_OFFER);
    assert.deepEqual(mask(second), mask(first));
    const values = (sdp: string) => sdp.split('\r\n').filter((l) => RANDOM.test(l));
    const a = values(first);
    const b = values(second);
    assert.equal(a.length, b.length);
    assert.ok(a.length >= 6);
    for (let i = 0; i < a.length; i++) assert.notEqual(a[i], b[i], `${a[i]} should differ between answers`);
    // One stream id per answer, the same in msid-semantic and in every msid line.
    const stream = /WMS (\S+)/.exec(first)![1]!;
    for (const l of first.split('\r\n').filter((x) => x.startsWith('a=msid:'))) assert.ok(l.startsWith(`a=msid:${stream} `), l);
    assert.ok(!first.includes('\u0000'));
  });

  it('an offer carrying the template marker is answered as any other offer', () => {
    const odd = PUBLISH_OFFER.replace('a=fmtp:111 minptime=10;useinbandfec=1', 'a=fmtp:111 minptime=10;x=\u0000u\u0000');
    const answer = synthesizeAnswer(odd);
    assert.ok(answer.includes('a=fmtp:111 minptime=10;x=\u0000u\u0000'), 'the offer\'s own text is copied, not filled');
    assert.deepEqual(mask(answer).filter((l) => !l.startsWith('a=fmtp:111')), mask(synthesizeAnswer(PUBLISH_OFFER)).filter((l) => !l.startsWith('a=fmtp:111')));
  });
});
