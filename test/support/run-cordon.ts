// The CLI from source, for tests that must run cordon as its own process (inside a network namespace).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
