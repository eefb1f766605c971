/** Text to a stream with back-pressure: a slow pipe slows the scan instead of filling memory. */
export interface TextWriter {
  write(text: string): Promise<void> | void;
}

export function streamWriter(out: NodeJS.WritableStream): TextWriter {
  return {
    write(text) {
      if (text === '' || out.write(text)) return;
      return new Promise<void>((resolve) => out.once('drain', () => resolve()));
    },
  };
}
