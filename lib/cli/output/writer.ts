/** Text to a stream with back-pressure: a slow pipe slows the scan instead of filling memory. */
export interface TextWriter {
  write(text: string): Promise<void> | void;
}

/** `beforeWrite`: e.g. erase the progress line when stdout and stderr share a terminal. */
export function streamWriter(out: NodeJS.WritableStream, beforeWrite?: () => void): TextWriter {
  return {
    write(text) {
      if (text === '') return;
      beforeWrite?.();
      if (out.write(text)) return;
      return new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
  };
}
