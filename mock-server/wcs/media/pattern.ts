/**
 * Generated media for what the mock has no camera for: a stream nobody publishes, the far end of a SIP call.
 * Video is a canvas with the name and a running clock (so a frozen player is visible at a glance); audio is a
 * quiet tone. Browser only; nothing runs until `testPattern` is called.
 */

export interface TestPattern {
  readonly stream: MediaStream;
  /** Stops the drawing timer and every track. Idempotent. */
  stop(): void;
}

/** 16:9, unlike the 4:3 of most cameras, so a player showing the pattern instead of a publisher is plain to see. */
const WIDTH = 480;
const HEIGHT = 270;
const FPS = 15;
/** Loud enough to show up in audio levels, quiet enough not to annoy someone running the demo. */
const TONE_GAIN = 0.03;

/**
 * One AudioContext per page is plenty; browsers cap how many may exist. Created on first use, closed when
 * the last pattern using it stops, so a long test run holds none between tests.
 */
let sharedAudio: AudioContext | undefined;
let audioUsers = 0;

function audioContext(): AudioContext | undefined {
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctor) return undefined;
  if (!sharedAudio || sharedAudio.state === 'closed') sharedAudio = new Ctor();
  // Without a user gesture the context may start suspended; the track then carries silence, which is still media.
  void sharedAudio.resume().catch(() => undefined);
  return sharedAudio;
}

function hue(label: string): number {
  let h = 0;
  for (let i = 0; i < label.length; i++) h = (h * 31 + label.charCodeAt(i)) % 360;
  return h;
}

function drawFrame(ctx: CanvasRenderingContext2D, label: string, started: number): void {
  const now = Date.now();
  ctx.fillStyle = `hsl(${hue(label)}, 45%, 30%)`;
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  // A bar sweeping across: motion an encoder cannot optimise away, and proof that frames keep coming.
  const x = Math.floor(((now - started) / 20) % WIDTH);
  ctx.fillStyle = 'rgba(255,255,255,0.35)';
  ctx.fillRect(x, 0, 8, HEIGHT);
  ctx.fillStyle = '#fff';
  ctx.font = 'bold 22px sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText(label.length > 24 ? `${label.slice(0, 23)}…` : label, WIDTH / 2, HEIGHT / 2 - 10);
  ctx.font = '18px monospace';
  ctx.fillText(new Date(now).toISOString().slice(11, 23), WIDTH / 2, HEIGHT / 2 + 22);
  ctx.font = '12px sans-serif';
  ctx.fillText('WCS mock test pattern', WIDTH / 2, HEIGHT - 12);
}

export function testPattern(label: string, want: { audio: boolean; video: boolean }): TestPattern {
  const tracks: MediaStreamTrack[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  let osc: OscillatorNode | undefined;
  if (want.video) {
    const canvas = document.createElement('canvas');
    canvas.width = WIDTH;
    canvas.height = HEIGHT;
    const ctx = canvas.getContext('2d');
    if (ctx) {
      const started = Date.now();
      drawFrame(ctx, label, started);
      timer = setInterval(() => drawFrame(ctx, label, started), 1000 / FPS);
      tracks.push(...canvas.captureStream(FPS).getVideoTracks());
    }
  }
  if (want.audio) {
    const ac = audioContext();
    if (ac) {
      osc = ac.createOscillator();
      osc.frequency.value = 440;
      const gain = ac.createGain();
      gain.gain.value = TONE_GAIN;
      const dest = ac.createMediaStreamDestination();
      osc.connect(gain).connect(dest);
      osc.start();
      audioUsers++;
      tracks.push(...dest.stream.getAudioTracks());
    }
  }
  let stopped = false;
  return {
    stream: new MediaStream(tracks),
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      for (const t of tracks) t.stop();
      if (!osc) return;
      try {
        osc.stop();
        osc.disconnect();
      } catch {
        /* already stopped */
      }
      if (--audioUsers === 0 && sharedAudio) {
        const ac = sharedAudio;
        sharedAudio = undefined;
        void ac.close().catch(() => undefined);
      }
    },
  };
}
