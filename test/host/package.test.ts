/**
 * What `npm run package` puts into the .vsix: the bundle, the manifest and every file the manifest points
 * at (snippets, JSON schemas, icons), and none of the sources, tests or node_modules. Uses `vsce ls`, the
 * file list `vsce package` packs, so it needs no code-server.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { REPO_ROOT } from '../../scripts/vscode-host/host';
import { EXTENSION_README, packageVsix, vsixFiles } from '../../scripts/vscode-host/vsix';

interface Manifest {
  main?: string;
  icon?: string;
  contributes?: {
    snippets?: { path: string }[];
    jsonValidation?: { url: string }[];
    viewsContainers?: Record<string, { icon?: string }[]>;
    commands?: { icon?: string | { light: string; dark: string } }[];
    languages?: { configuration?: string }[];
    grammars?: { path: string }[];
  };
}

/** Local files the manifest refers to, relative to the extension root. */
function referencedFiles(m: Manifest): string[] {
  const c = m.contributes ?? {};
  const refs = [
    m.main, m.icon,
    ...(c.snippets ?? []).map((s) => s.path),
    ...(c.jsonValidation ?? []).map((j) => j.url),
    ...(c.languages ?? []).map((l) => l.configuration),
    ...(c.grammars ?? []).map((g) => g.path),
    ...Object.values(c.viewsContainers ?? {}).flat().map((v) => v.icon),
    ...(c.commands ?? []).flatMap((cmd) => (typeof cmd.icon === 'object' ? [cmd.icon.light, cmd.icon.dark] : [cmd.icon])),
  ];
  // Codicons ($(name)) and URLs are not files in the package.
  return refs.filter((r): r is string => !!r && !r.startsWith('$(') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(r))
    .map((r) => normalize(r).replace(/^\.\//, ''));
}

describe('.vsix contents (vsce ls)', function () {
  this.timeout(30_000);
  let files: string[];

  before(async function () {
    assert.ok(existsSync(join(REPO_ROOT, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` (npm test does)');
    files = await vsixFiles(REPO_ROOT);
  });

  it('holds the manifest, the license and the bundled extension', () => {
    for (const f of ['package.json', 'LICENSE', 'dist/extension.js']) assert.ok(files.includes(f), `${f} not packaged: ${files.join(', ')}`);
  });

  it('holds every file the manifest refers to', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
    // `main` is loaded with require(), which adds `.js` (package.json leaves it off, see docs/package.md).
    const missing = referencedFiles(manifest).filter((f) => !files.includes(f) && !(f === normalize(manifest.main ?? '') && files.includes(`${f}.js`)));
    assert.deepEqual(missing, [], 'referenced by package.json but left out of the .vsix (see .vscodeignore)');
  });

  it('leaves out sources, tests, tooling and node_modules', () => {
    const unwanted = files.filter((f) =>
      /^(node_modules|test|mock-server|extension|scripts|bench|docs|\.cache|\.ci|test-results)\//.test(f) || /\.(ts|map|vsix|tgz)$/.test(f) || /^tsconfig.*\.json$/.test(f));
    assert.deepEqual(unwanted, []);
  });

  it('holds nothing but the manifest, its documents, the bundle and the files the manifest refers to', () => {
    // Stray files of a checkout (packages/ for npm, a folder of screenshots) must not ride along.
    const shipped = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/extension\.js|syntaxes\/[^/]+\.json|snippets\/[^/]+\.code-snippets|schemas\/[^/]+\.json|media\/[^/]+\.(png|svg))$/;
    assert.deepEqual(files.filter((f) => !shipped.test(f)), []);
  });

  it('ships the README written for extension users, not the repository\'s', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'wcs-vsix-test-'));
    try {
      const vsix = await packageVsix(REPO_ROOT, join(dir, 'x.vsix'));
      // A .vsix is a zip; vsce stores the README as extension/readme.md.
      const listing = execFileSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); n=[x for x in z.namelist() if x.lower()=="extension/readme.md"][0]; sys.stdout.write(z.read(n).decode())', vsix], { encoding: 'utf8' });
      assert.equal(listing, readFileSync(join(REPO_ROOT, EXTENSION_README), 'utf8'));
      assert.notEqual(listing, readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
