/**
 * The benchmarked Node servers run from esbuild bundles, as the shipped CLI does: no TypeScript loader in the
 * measured process (tsx's loader thread alone would add tens of MB of RSS and skew the memory figures).
 */
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './proc';

export const BUILD_DIR = path.join(ROOT, '.cache/bench-build');
const SERVERS = ['ours', 'oursView', 'bare', 'mockttp'] as const;
/** Bench programs that are measured too (the WCS mock as a load source), bundled like the servers. */
const PROGRAMS = ['wcsLoadChild', 'sessions'] as const;

let built: Promise<void> | undefined;

export function buildServers(): Promise<void> {
  return (built ??= build({
    entryPoints: {
      ...Object.fromEntries(SERVERS.map((s) => [s, path.join(ROOT, `bench/servers/${s}.ts`)])),
      ...Object.fromEntries(PROGRAMS.map((s) => [s, path.join(ROOT, `bench/${s}.ts`)])),
    },
    outdir: BUILD_DIR,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Names stay readable in --cpu-prof output.
    minify: false,
    keepNames: false,
    logLevel: 'warning',
  }).then(() => undefined));
}

export function bundlePath(server: (typeof SERVERS)[number] | (typeof PROGRAMS)[number]): string {
  return path.join(BUILD_DIR, `${server}.js`);
}

/**
 * Our server as it was at an earlier commit (`--baseline=REV`), bundled with today's bench wrapper, so that
 * a change's gain is measured side by side in one run rather than against numbers from another day.
 */
export async function buildBaseline(rev: string): Promise<string> {
  const { commit, dir } = baselineTree(rev);
  cpSync(path.join(ROOT, 'bench/servers/ours.ts'), path.join(dir, 'bench/servers/ours.ts'));
  cpSync(path.join(ROOT, 'bench/lib'), path.join(dir, 'bench/lib'), { recursive: true });
  return bundleBaseline(path.join(dir, 'bench/servers/ours.ts'), path.join(BUILD_DIR, `ours-${commit}.js`));
}

/** `mock-server/` as it was at `rev`, extracted once into .cache/bench-baseline/<commit>. */
function baselineTree(rev: string): { commit: string; dir: string } {
  const commit = execFileSync('git', ['rev-parse', '--short', rev], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(ROOT, '.cache/bench-baseline', commit);
  if (!existsSync(path.join(dir, 'mock-server'))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', commit, 'mock-server'], { cwd: ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  return { commit, dir };
}

async function bundleBaseline(entry: string, out: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The archive has no node_modules of its own: resolve packages from the checkout.
    nodePaths: [path.join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  return out;
}

/**
 * Which source file a line of a bundle came from: esbuild heads each module's code with a `// path` comment,
 * which is enough to put a profile's frames back under their modules without a source-map decoder.
 */
export function bundleModules(file: string): (line: number) => string | undefined {
  const starts: Array<{ line: number; module: string }> = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/ ((?:\.\.\/)*[\w@./-]+\.[cm]?[jt]s)$/.exec(lines[i]!);
    if (m) starts.push({ line: i + 1, module: m[1]!.replace(/^(\.\.\/)+/, '') });
  }
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]!.line <= line) {
        found = starts[mid]!.module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/**
 * The CLI as it was at an earlier commit (`--baseline=REV` in the serve section), bundled the way
 * `npm run build` bundles `dist/cli.js`, so that a change to `serve` is measured side by side in one run.
 */
export async function buildCliBaseline(rev: string): Promise<string> {
  const { commit, dir } = baselineTree(rev);
  // A folder per commit: a CLI with a log thread finds its logWorker.js beside cli.js, as in dist/.
  const out = path.join(BUILD_DIR, `cli-${commit}`);
  const worker = path.join(dir, 'mock-server/cli/logWorker.ts');
  if (existsSync(worker)) await bundleBaseline(worker, path.join(out, 'logWorker.js'));
  return bundleBaseline(path.join(dir, 'mock-server/cli.ts'), path.join(out, 'cli.js'));
}
