/** Code generation from the catalog: handler stubs (per language) and VS Code snippets. */
export * from './stubs';
export { generateSnippets, renderSnippetFiles, SNIPPET_LANGUAGES, type SnippetFile, type VsCodeSnippet } from './snippets';
