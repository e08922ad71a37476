/**
 * Tests that need something this machine may lack (Chromium, code-server, PHP, Flask, Java) call
 * `needs()`. Outside CI they skip with the reason printed; under CI=true nothing may skip, so the
 * missing thing fails the test instead: .ci/run is supposed to have installed it.
 */
import type { Context } from 'mocha';

export function needs(ctx: Context, available: boolean, what: string, howToGet: string): void {
  if (available) return;
  const reason = `needs ${what} (${howToGet})`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.log(`      SKIPPED: ${ctx.test?.title ?? ctx.currentTest?.title ?? ''}: ${reason}`);
  ctx.skip();
}
