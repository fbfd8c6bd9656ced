/**
 * Loaded before every test file (scripts/run-tests.mjs): property tests draw from one seed, so a CI run is
 * reproducible and a failure is the code's, not the dice's. CORDON_PROPERTY_SEED=<n> tries another seed,
 * CORDON_PROPERTY_SEED=random a fresh one each run (to search; a failure prints the seed to pin it with).
 */
import fc from 'fast-check';

const seed = process.env['CORDON_PROPERTY_SEED'];
if (seed !== 'random') fc.configureGlobal({ seed: Number(seed ?? 20261205) });
