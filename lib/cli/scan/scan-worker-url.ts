/**
 * Where the scan worker's entry file is. From the sources it is scan-worker.ts beside this file;
 * scripts/build.ts replaces this module in the CLI bundle with one pointing at the bundled
 * worker, dist/scan-worker.mjs, beside dist/winsift-cli.mjs.
 */
export function scanWorkerUrl(): URL {
  return new URL('./scan-worker.ts', import.meta.url);
}
