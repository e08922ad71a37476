/** Resolved at bundle time by scripts/vscode-host/suite-files.mjs: every test/host/suite/**\/*.test.ts. */
declare module 'host-suite:files' {
  const files: { name: string; load: () => unknown }[];
  export = files;
}
