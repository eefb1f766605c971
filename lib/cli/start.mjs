// @ts-check
/**
 * What people run: the npm script, the bin (dist/winsift.mjs is built from this file) and
 * `node lib/cli/start.mjs`. Plain JavaScript with no static import, so that an old Node gets to
 * this check instead of failing on `.ts` or on a node:zlib export it does not have. Node 22.18 is
 * the first 22 to run TypeScript sources and to have zstd in node:zlib.
 */
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `winsift needs Node 22 or later (22.18+; 24 is what Lambda runs); this is Node ${process.version} (${process.execPath}).\n` +
      'Get it from https://nodejs.org/en/download, with a version manager (nvm install 24, fnm install 24),\n' +
      "or run winsift through ./scripts/node24 (e.g. ./scripts/node24 npx winsift scan logs/), which installs Node 24 into .tools/.\n",
  );
  process.exitCode = 1;
} else {
  const { start } = await import('./winsift.ts');
  await start();
}
