/**
 * The CLI's exit statuses, one place, as the README states them:
 *   0  done: every input read whole (alerts or not)
 *   1  usage: a bad option or argument, a --rules path that does not exist, a Node that is too old
 *   2  bad input: a log that was unreadable in part or whole, a rule that did not load (rules lint)
 * A closed stdout (`winsift scan ... | head`) ends the process by SIGPIPE, as `cat` and `grep`
 * end: the shell reports status 141 and prints nothing.
 */
export const EXIT = { ok: 0, usage: 1, badInput: 2 } as const;
