/**
 * The V8 heap settings every scanning process and thread runs with: the function (NODE_OPTIONS,
 * set by infra/scan-function.ts), the CLI (its bin's shebang and the npm script) and the CLI's
 * worker threads (resourceLimits).
 *
 * Why: much of a scan's peak RSS is V8's young generation, not the rules. Node 24 lets the
 * semi-spaces grow to 64 MiB each on a machine with this much memory, and a scan allocates
 * briskly (every parsed record is garbage a moment later), so they do. Measured on the SigmaHQ
 * pack over the NXLog corpus, alternated runs (issue 18): the default peaked at 301-309 MB, 16 MiB
 * at 216-220 MB and 8 MiB at 203-215 MB (from a compiled pack 252-254 against 230 MB), at the same
 * CPU or a little less; 4 MiB gained nothing more (207-208 MB). (Before the gate tables stopped
 * churning ArrayBuffers, 8 MiB had peaked above 16: objects promoted early grew the old generation.)
 */
export const SEMI_SPACE_MB = 8;

/** For `node` itself: a command line or NODE_OPTIONS (which allows this flag). */
export const NODE_HEAP_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];

/** For a worker thread, which takes no V8 flags of its own. V8's young generation is three semi-spaces' worth. */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB } as const;
