#!/usr/bin/env node
// Runs the bundle that `npm ci` / `npm install` build into dist/ (the `prepare` script): nothing is
// compiled at launch. `npm run dev -- ARGS` runs the sources through tsx instead.
import { loadBundle } from './loadBundle.js';

await loadBundle('qpc.js');
