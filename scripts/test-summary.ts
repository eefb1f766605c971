/**
 * Prints the test run's totals as one plain line, `tests: N passed, N failed, N skipped`, last in
 * `npm test`'s output, from the JSON vitest writes. CI reads that line to know tests really ran.
 */
import { readFileSync } from 'node:fs';

const RESULTS = '.vitest/results.json';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const results = JSON.parse(readFileSync(RESULTS, 'utf8')) as VitestJson;
console.log(
  `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`,
);
if (results.numPassedTests === 0 || results.numFailedTests > 0) process.exitCode = 1;
