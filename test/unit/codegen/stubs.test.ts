/**
 * Handler stub generation: golden files per target (UPDATE_GOLDEN=1 rewrites them), the catalog notes
 * and decisions carried as comments, syntax of every target, and clear errors for bad options.
 * Running the generated servers is in run-stubs.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { explainDecline, lookupMethod } from '../../../mock-server/protocol';
import { generateStub, isStubMethodName, STUB_TARGETS, type StubOptions, type StubTarget } from '../../../mock-server/codegen/stubs';
import { needs } from '../../support/skip';
import { GOLDEN_OPTIONS } from './goldenOptions';
import { findFlaskPython, hasExpress, hasPhp } from './toolchains';

const REPO = join(__dirname, '..', '..', '..');
const GOLDEN_DIR = join(REPO, 'test', 'fixtures', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

/** The comment text of a file, lines joined with spaces, so wrapped sentences can be searched. */
function commentText(content: string, target: StubTarget): string {
  const marker = target === 'python-flask' ? '#' : '//';
  const lines = content.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(marker));
  return lines.map((l) => l.slice(marker.length).trim()).join(' ').replace(/\s+/g, ' ');
}

/** Syntax check of one generated file with the target's own tool; returns an error text or ''. */
function syntaxError(target: StubTarget, content: string): string | undefined {
  switch (target) {
    case 'typescript-express':
    case 'javascript-node':
      try {
        transformSync(content, { loader: target === 'typescript-express' ? 'ts' : 'js' });
        return '';
      } catch (err) {
        return String(err);
      }
    case 'php': {
      if (!hasPhp()) return undefined;
      const r = spawnSync('php', ['-l'], { input: content, encoding: 'utf8' });
      return r.status === 0 ? '' : r.stdout + r.stderr;
    }
    case 'python-flask': {
      const python = findFlaskPython() ?? 'python3';
      const r = spawnSync(python, ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: content, encoding: 'utf8' });
      if (r.error) return undefined;
      return r.status === 0 ? '' : r.stderr;
    }
  }
}

describe('codegen: handler stubs', () => {
  describe('golden files', () => {
    for (const t of STUB_TARGETS) {
      it(`${t.id} matches test/fixtures/golden/${t.id}/`, () => {
        const stub = generateStub({ ...GOLDEN_OPTIONS, target: t.id });
        const dir = join(GOLDEN_DIR, t.id);
        if (update) {
          mkdirSync(dir, { recursive: true });
          for (const f of stub.files) writeFileSync(join(dir, f.path), f.content);
        }
        assert.ok(existsSync(dir), `no golden files for ${t.id}: run UPDATE_GOLDEN=1 npx mocha test/unit/codegen`);
        assert.deepEqual(readdirSync(dir).sort(), stub.files.map((f) => f.path).sort(), 'golden folder holds exactly the generated files');
        for (const f of stub.files) {
          assert.equal(f.content, readFileSync(join(dir, f.path), 'utf8'), `${t.id}/${f.path} differs from the golden file (UPDATE_GOLDEN=1 to accept)`);
        }
      });
    }
  });

  describe('shape', () => {
    for (const t of STUB_TARGETS) {
      it(`${t.id}: entry, language and run hint`, () => {
        const stub = generateStub({ target: t.id, methods: [] });
        assert.equal(stub.target, t.id);
        assert.equal(stub.languageId, t.languageId);
        assert.ok(stub.files.some((f) => f.path === stub.entry), 'the entry is one of the files');
        assert.ok(stub.runHint.length > 0);
        for (const f of stub.files) assert.ok(f.content.endsWith('\n'), `${f.path} ends with a newline`);
      });
    }

    it('the TypeScript stub ships a package.json that installs express and runs server.ts with tsx', () => {
      const stub = generateStub({ target: 'typescript-express', methods: [] });
      const pkg = JSON.parse(stub.files.find((f) => f.path === 'package.json')!.content);
      assert.ok(pkg.dependencies.express);
      assert.match(pkg.scripts.start, /tsx server\.ts/);
    });
  });

  describe('comments', () => {
    for (const t of STUB_TARGETS) {
      it(`${t.id}: header says how to point WCS at it; each handled method carries its catalog note and decisions`, () => {
        const stub = generateStub({ ...GOLDEN_OPTIONS, target: t.id });
        const text = commentText(stub.files.find((f) => f.path === stub.entry)!.content, t.id);
        assert.ok(text.includes('update app -l http://<this host>:<port>/EchoApp defaultApp'), 'update app command');
        assert.ok(text.includes('add app-rest-method -a defaultApp'), 'add app-rest-method command');
        for (const method of ['connect', 'publishStream', 'OnCallEvent', 'StreamStatusEvent', 'hangup', 'sendDTMF']) {
          const spec = lookupMethod(method)!;
          assert.ok(text.includes(spec.description), `description of ${method}`);
          assert.ok(text.includes(explainDecline(method)), `explainDecline(${method})`);
        }
        assert.ok(text.includes('you declined OnCallEvent when callee = PPP005 with reason "PPP005 takes no calls from the web"'));
        assert.ok(text.includes('note: declined in the tree'));
        assert.ok(text.includes('you declined publishStream when name = reserved (403, empty body)'));
        assert.ok(text.includes('you answered hangup with 500 and a fixed body'));
        assert.ok(text.includes('you echoed sendMessage when to = 1002'));
      });
    }

    it('without an app path the WCS URL ends in a slash', () => {
      const stub = generateStub({ target: 'javascript-node', methods: [] });
      assert.ok(stub.files[0]!.content.includes('update app -l http://<this host>:<port>/ defaultApp'));
    });

    it('a value cannot end its comment: newlines and PHP close tags are neutralised, the code keeps them', () => {
      const reason = 'line one\nline two\u2028?> <?php evil();';
      for (const t of STUB_TARGETS) {
        const stub = generateStub({ target: t.id, methods: [], decisions: [{ method: 'call', when: { x: 'a\nb' }, answer: { status: 403, reason }, note: 'n\r\nm' }] });
        const entry = stub.files.find((f) => f.path === stub.entry)!.content;
        for (const line of entry.split('\n')) {
          if (line.includes('evil()')) {
            const trimmed = line.trim();
            assert.ok(trimmed.startsWith('//') || trimmed.startsWith('#') || /reason\(403, /.test(trimmed), `${t.id}: ${line}`);
          }
        }
        assert.equal(syntaxError(t.id, entry) || '', '', `${t.id} still parses`);
      }
    });
  });

  describe('syntax', () => {
    const variants: Record<string, Omit<StubOptions, 'target'>> = {
      golden: GOLDEN_OPTIONS,
      empty: { methods: [] },
      'odd method names': { methods: ['weird-name', 'on.dotted', 'constructor', '__proto__', 'ünïcode'], decisions: [{ method: 'weird-name', answer: { status: 202, merge: {} } }] },
    };
    for (const t of STUB_TARGETS) {
      for (const [name, opts] of Object.entries(variants)) {
        it(`${t.id}, ${name}: parses with the target's own tool`, function () {
          const stub = generateStub({ ...opts, target: t.id });
          const err = syntaxError(t.id, stub.files.find((f) => f.path === stub.entry)!.content);
          if (t.id === 'php') needs(this, err !== undefined, 'php', 'apt-get install php-cli');
          if (t.id === 'python-flask') needs(this, err !== undefined, 'python3', 'apt-get install python3');
          assert.equal(err, '');
        });
      }
    }

    it('the TypeScript stub passes the typecheck script of its own package.json', function () {
      needs(this, hasExpress(), 'express and @types/express', 'npm install (both are devDependencies)');
      const stub = generateStub({ ...GOLDEN_OPTIONS, target: 'typescript-express' });
      const script: string = JSON.parse(stub.files.find((f) => f.path === 'package.json')!.content).scripts.typecheck;
      const [tool, ...args] = script.split(' ');
      assert.equal(tool, 'tsc');
      // Inside the repo so that typescript and @types/express resolve from its node_modules.
      mkdirSync(join(REPO, '.cache'), { recursive: true });
      const dir = mkdtempSync(join(REPO, '.cache', 'codegen-tsc-'));
      try {
        for (const f of stub.files) writeFileSync(join(dir, f.path), f.content);
        const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stdout + r.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the golden TypeScript stub is type-checked with the project (test/ is in tsconfig, @types/express installed)', () => {
      const tsconfig = readFileSync(join(__dirname, '..', '..', '..', 'tsconfig.json'), 'utf8');
      assert.match(tsconfig, /"test"/);
      assert.ok(existsSync(join(GOLDEN_DIR, 'typescript-express', 'server.ts')));
    });
  });

  describe('bad options give an error naming the problem', () => {
    const cases: [string, unknown, RegExp][] = [
      ['unknown target', { target: 'cobol', methods: [] }, /unknown stub target "cobol"/],
      ['methods missing', { target: 'php' }, /methods must be an array/],
      ['method with a slash', { target: 'php', methods: ['a/b'] }, /methods\[0\].*not a plain path segment/],
      ['empty method', { target: 'php', methods: [''] }, /methods\[0\].*non-empty/],
      ['status out of range', { target: 'php', methods: [], decisions: [{ method: 'call', answer: { status: 700, reason: 'x' } }] }, /decisions\[0\]\.answer.*700/],
      ['non-finite condition', { target: 'php', methods: [], decisions: [{ method: 'call', when: { n: Number.NaN }, answer: 'forbid' }] }, /decisions\[0\]\.when\.n/],
      ['object condition', { target: 'php', methods: [], decisions: [{ method: 'call', when: { n: {} }, answer: 'forbid' }] }, /decisions\[0\]\.when\.n/],
      ['merge not an object', { target: 'php', methods: [], decisions: [{ method: 'call', answer: { status: 200, merge: [1] } }] }, /merge must be an object/],
      ['bad restOnError', { target: 'php', methods: [], connectConfig: { publishStream: { restOnError: 'MAYBE' } } }, /connectConfig\.publishStream\.restOnError/],
      ['answer not a form', { target: 'php', methods: [], decisions: [{ method: 'call', answer: 'hold' }] }, /decisions\[0\]\.answer/],
    ];
    for (const [name, opts, message] of cases) {
      it(name, () => assert.throws(() => generateStub(opts as StubOptions), message));
    }
  });

  it('isStubMethodName tells which journal method names a stub can route', () => {
    for (const ok of ['connect', 'OnCallEvent', 'weird-name', 'ünïcode']) assert.equal(isStubMethodName(ok), true, ok);
    for (const bad of ['', 'a/b', 'a b', 'x?y', 'x#y', '%2F', 'a\nb', 42]) assert.equal(isStubMethodName(bad), false, String(bad));
  });

  describe('plan rules', () => {
    it('decisions after an unconditional one for the same method are dropped, and so is the default', () => {
      const stub = generateStub({
        target: 'javascript-node', methods: [],
        decisions: [
          { method: 'call', answer: { status: 403, reason: 'first' } },
          { method: 'call', when: { a: 1 }, answer: { status: 403, reason: 'never reached' } },
        ],
      });
      const code = stub.files[0]!.content;
      assert.ok(code.includes('return reason(403, "first");'));
      assert.ok(!code.includes('never reached'));
    });

    it('connectConfig alone adds a connect route; methods are deduplicated', () => {
      const stub = generateStub({ target: 'python-flask', methods: ['call', 'call'], connectConfig: {} });
      const code = stub.files[0]!.content;
      assert.equal(code.split('\ndef on_call(').length, 2);
      assert.ok(code.includes('"connect": on_connect,'));
    });
  });
});
