import { afterAll } from 'vitest';
import { killTrackedProcesses } from './process.js';

// Runs after every test file, whatever its tests did: no process a test started outlives the file.
afterAll(async () => {
  await killTrackedProcesses();
});
