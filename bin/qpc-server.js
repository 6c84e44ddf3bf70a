#!/usr/bin/env node
// The sources are TypeScript run through tsx, so the bin always matches the checkout without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/qpcServer.ts');
