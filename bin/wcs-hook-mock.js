#!/usr/bin/env node
// The CLI is bundled by esbuild (npm run build) so that it starts without a TypeScript loader.
require('../dist/cli.js');
