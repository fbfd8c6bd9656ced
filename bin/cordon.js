#!/usr/bin/env node
// Thin launcher: the CLI is the bundled build (dist/cli-bundle/, made by `npm ci` through the prepare script;
// scripts/bundle-cli.mjs says why it is bundled).
import { main } from '../dist/cli-bundle/main.js';

process.exitCode = await main(process.argv.slice(2));
