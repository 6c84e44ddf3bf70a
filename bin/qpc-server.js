#!/usr/bin/env node
// Runs the bundle that `npm ci` / `npm install` build into dist/ (the `prepare` script).
import { loadBundle } from './loadBundle.js';

await loadBundle('qpcServer.js');
