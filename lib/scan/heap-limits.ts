/**
 * The V8 heap settings every scanning process and thread runs with: the function (NODE_OPTIONS,
 * set by infra/scan-function.ts), the CLI (its bin's shebang and the npm script) and the CLI's
 * worker threads (resourceLimits).
 *
 * Why: a scan's peak RSS is mostly V8's young generation, not the rules. Node 24 lets the
 * semi-spaces grow to 64 MiB each on a machine with this much memory, and a scan allocates
 * briskly (every parsed record is garbage a moment later), so they do. Capped at 16 MiB, the
 * SigmaHQ pack over the NXLog corpus peaked ~90 MB lower (307-310 -> 193-224 MB) for the same CPU
 * in alternated runs (issue 18). A smaller cap (8 MiB) peaked higher again: objects promoted too
 * early grow the old generation instead.
 */
export const SEMI_SPACE_MB = 16;

/** For `node` itself: a command line or NODE_OPTIONS (which allows this flag). */
export const NODE_HEAP_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];

/** For a worker thread, which takes no V8 flags of its own. V8's young generation is three semi-spaces' worth. */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB } as const;
