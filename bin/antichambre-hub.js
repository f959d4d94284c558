#!/usr/bin/env node
// The hub and its admin CLI (built by `npm run build:hub` into dist/hub).
import '../dist/hub/hub.js';
