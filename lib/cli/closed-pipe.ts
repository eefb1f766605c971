/**
 * `winsift scan logs/ | head`: once the reader closes the pipe, writing to stdout fails with EPIPE.
 * Node ignores SIGPIPE and reports the failure as an 'error' event, which would print a stack
 * trace and exit 1. A POSIX tool dies of SIGPIPE instead, quietly, and the shell reports 141:
 * winsift does the same, at once, without scanning the rest.
 */

export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    dieOfSigpipe();
  });
}

function dieOfSigpipe(): never {
  // Node starts with SIGPIPE ignored; adding and removing a listener restores the default action,
  // so the signal ends the process as it would end `cat`.
  const noop = (): void => {};
  process.on('SIGPIPE', noop);
  process.off('SIGPIPE', noop);
  process.kill(process.pid, 'SIGPIPE');
  // Not reached on POSIX; elsewhere the shell's number for it.
  process.exit(128 + 13);
}
