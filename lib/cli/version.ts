import packageJson from '../../package.json' with { type: 'json' };

/** `winsift 0.1.0`: what `--version`, the HTML report and the OCSF product name show. */
export function version(): string {
  return `winsift ${packageJson.version}`;
}
