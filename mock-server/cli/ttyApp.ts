/**
 * The interactive terminal: hooks scroll by above a status line that lists held hooks with their remaining
 * time; single keys answer the selected one. Presentation and key meaning live in ttyView.ts; this module
 * owns the terminal state (raw mode, the redrawn status line, the reason prompt, the $EDITOR round trip).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HookServer } from '../hooks';
import type { Exchange } from '../hooks';
import { terminalSafe, type Disposable } from '../util';
import {
  editLine, formatArrival, formatSettled, formatStatus, HELP_LINES, keyAction, nextPolicy, paint, select, splitKeys,
  type Style,
} from './ttyView';
import { PausedLog, replayHeading } from './pausedLog';

export interface TtyIO {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

type Mode = { kind: 'keys' } | { kind: 'reason'; id: string; text: string } | { kind: 'editor' };

export class InteractiveConsole {
  private readonly style: Style;
  private mode: Mode = { kind: 'keys' };
  private selected: string | undefined;
  /** Ids shown as HELD, so their answer gets its own line. */
  private readonly shownHeld = new Set<string>();
  /** Forwarded hooks with the backend: shown once, with both legs, when WCS gets its answer. */
  private readonly withBackend = new Set<string>();
  private readonly subscriptions: Disposable[] = [];
  private ticker?: NodeJS.Timeout;
  private stopped = false;
  /** What happened while $EDITOR had the screen, printed when it closes. */
  private readonly paused = new PausedLog();

  constructor(
    private readonly server: HookServer,
    private readonly io: TtyIO,
    private readonly onQuit: () => void,
  ) {
    this.style = { color: !io.env.NO_COLOR && io.output.hasColors?.() !== false };
  }

  start(): void {
    const { input } = this.io;
    input.setRawMode?.(true);
    input.setEncoding('utf8');
    input.on('data', this.onKey);
    input.resume();
    this.subscriptions.push(
      this.server.on('received', (ex) => this.onReceived(ex)),
      this.server.on('held', (ex) => {
        this.withBackend.delete(ex.id);
        this.shownHeld.add(ex.id);
        this.log(...formatArrival(ex, this.style));
      }),
      this.server.on('answered', (ex) => this.onSettled(ex)),
      this.server.on('aborted', (ex) => this.onSettled(ex)),
      this.server.on('warning', (m) => this.log(paint(this.style, 'red', `warning: ${terminalSafe(m)}`))),
    );
    // The remaining time of held hooks counts down; redraw twice a second only while something is held.
    this.ticker = setInterval(() => {
      if (this.server.pending().length > 0 && this.mode.kind !== 'editor') this.drawStatus();
    }, 500);
    this.ticker.unref();
    this.log(paint(this.style, 'dim', 'Press ? for keys. Held hooks are answered with e/f/r/d.'));
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const d of this.subscriptions) d.dispose();
    const { input, output } = this.io;
    input.off('data', this.onKey);
    input.setRawMode?.(false);
    input.pause();
    output.write('\r\x1b[2K');
  }

  /** Prints lines above the status line. */
  log(...lines: string[]): void {
    // While the editor owns the screen nothing may be drawn: kept for when it closes.
    if (this.mode.kind === 'editor') {
      this.paused.push(...lines);
      return;
    }
    if (this.stopped) {
      this.io.output.write(lines.join('\n') + '\n');
      return;
    }
    this.io.output.write('\r\x1b[2K' + lines.join('\n') + '\n');
    this.drawStatus();
  }

  private drawStatus(): void {
    if (this.stopped) return;
    const held = this.server.pending();
    this.selected = select(held.map((e) => e.id), this.selected);
    const prompt =
      this.mode.kind === 'reason'
        ? `reason for forbidding #${this.mode.id} (Enter sends, Esc cancels): ${this.mode.text}`
        : undefined;
    const line = formatStatus(
      { held, selectedId: this.selected, now: Date.now(), policy: this.server.policy, width: this.io.output.columns || 80, prompt },
      this.style,
    );
    this.io.output.write('\r\x1b[2K' + line);
  }

  private onReceived(ex: Exchange): void {
    if (ex.state === 'pending' && ex.forward?.stage === 'sending') {
      this.withBackend.add(ex.id);
      return;
    }
    if (ex.state === 'pending') this.shownHeld.add(ex.id);
    this.log(...formatArrival(ex, this.style));
  }

  private onSettled(ex: Exchange): void {
    if (this.withBackend.delete(ex.id)) {
      this.log(...formatArrival(ex, this.style));
      return;
    }
    if (!this.shownHeld.delete(ex.id)) return; // answered on arrival: already on its arrival line
    if (this.mode.kind === 'reason' && this.mode.id === ex.id) {
      this.mode = { kind: 'keys' };
      this.log(paint(this.style, 'yellow', `#${ex.id} was answered before the reason was sent`));
    }
    this.log(formatSettled(ex, this.style));
  }

  private readonly onKey = (chunk: string | Buffer): void => {
    for (const key of splitKeys(String(chunk))) this.onOneKey(key);
  };

  private onOneKey(key: string): void {
    if (this.mode.kind === 'editor') return;
    if (this.mode.kind === 'reason') {
      const r = editLine(this.mode.text, key);
      const id = this.mode.id;
      if (r.done === 'submit') {
        this.mode = { kind: 'keys' };
        const reason = r.text.trim() || 'Forbidden';
        if (!this.server.answer(id, { status: 403, reason })) this.log(`#${id} is no longer held; nothing sent`);
      } else if (r.done === 'cancel') {
        this.mode = { kind: 'keys' };
      } else {
        this.mode = { kind: 'reason', id, text: r.text };
      }
      this.drawStatus();
      return;
    }
    const action = keyAction(key);
    const id = this.selected;
    switch (action.kind) {
      case 'quit':
        this.onQuit();
        return;
      case 'help':
        this.log(...HELP_LINES.map((l) => paint(this.style, 'dim', l)));
        return;
      case 'select':
        this.selected = select(this.server.pending().map((e) => e.id), this.selected, action.delta);
        this.drawStatus();
        return;
      case 'cyclePolicy':
        this.server.setPolicy(nextPolicy(this.server.policy));
        this.log(`policy: ${this.server.policy}`);
        return;
      case 'echoAll': {
        const held = this.server.pending();
        for (const ex of held) this.server.answer(ex.id, 'echo');
        if (held.length === 0) this.drawStatus();
        return;
      }
      case 'none':
        return;
    }
    if (id === undefined) {
      this.log(paint(this.style, 'dim', 'no hook is held'));
      return;
    }
    if (action.kind === 'answer') this.server.answer(id, action.answer);
    else if (action.kind === 'pass') {
      if (!this.server.pass(id)) this.log(paint(this.style, 'dim', `#${id} is not a forwarded hook held at a breakpoint (g lets those go on)`));
    }
    else if (action.kind === 'reason') {
      this.mode = { kind: 'reason', id, text: '' };
      this.drawStatus();
    } else if (action.kind === 'edit') void this.edit(id);
  }

  private replayPaused(): void {
    const r = this.paused.drain();
    const heading = replayHeading(r, this.paused.max);
    if (heading) this.log(paint(this.style, 'dim', heading), ...r.lines);
  }

  /**
   * Opens the body in $VISUAL/$EDITOR; saving valid JSON and quitting the editor sends it with 200. On a
   * forwarded hook held before the backend, the edited body goes to the backend; held after, the editor
   * starts from the backend's answer and the edit goes to WCS with the backend's status.
   */
  private async edit(id: string): Promise<void> {
    const ex = this.server.get(id);
    if (!ex) return;
    const leg = ex.forward;
    const file = join(tmpdir(), `wcs-hook-mock-${process.pid}-${id}.json`);
    // An earlier attempt that did not parse is kept, so the developer continues from their own text.
    if (!existsSync(file)) await writeFile(file, leg?.stage === 'after' && leg.response ? leg.response.body : ex.rawBody);
    const editor = this.io.env.VISUAL || this.io.env.EDITOR || 'vi';
    this.mode = { kind: 'editor' };
    const { input, output } = this.io;
    output.write('\r\x1b[2K');
    input.setRawMode?.(false);
    input.pause();
    const code = await new Promise<number | string>((resolve) => {
      // Through the shell: $EDITOR is often a command with arguments ("code --wait").
      const child = spawn(`${editor} '${file.replace(/'/g, `'\\''`)}'`, { shell: true, stdio: 'inherit' });
      child.on('error', (err) => resolve(err.message));
      child.on('exit', (c, signal) => resolve(c ?? signal ?? 1));
    });
    this.mode = { kind: 'keys' };
    this.replayPaused();
    if (this.stopped) return;
    input.setRawMode?.(true);
    input.resume();
    if (code !== 0) {
      this.log(paint(this.style, 'red', `editor '${editor}' ended with ${code}; #${id} not answered (set $EDITOR)`));
      return;
    }
    const text = await readFile(file, 'utf8');
    try {
      JSON.parse(text);
    } catch (err) {
      this.log(paint(this.style, 'red', `#${id}: not sent, the edited body is not valid JSON (${(err as Error).message}); press d to fix it`));
      return;
    }
    await unlink(file).catch(() => undefined);
    const current = this.server.get(id);
    const sent =
      leg?.stage === 'before' ? this.server.pass(id, text)
      : leg?.stage === 'after' && leg.response ? this.server.answer(id, { status: leg.response.status, body: text })
      : this.server.answer(id, { status: 200, body: text });
    if (!sent) {
      this.log(paint(this.style, 'yellow', `#${id} was already answered (${current?.answer?.by ?? current?.state}) while you edited; your edit was not sent`));
    }
  }
}
