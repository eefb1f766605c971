/**
 * Is this file a log at all? A directory of exports often holds a README, a hash list or a
 * screenshot. The first bytes go through ingest's own detection (compression by magic bytes,
 * text encoding, framing: lib/ingest/open-object.ts), so "a log" means exactly "what a scan
 * would start reading". Only files found by walking a directory are sniffed; a file named on
 * the command line is scanned and its problems reported.
 */
import { createReadStream } from 'node:fs';
import { codecByMagic } from '../../ingest/compression/decompress.ts';
import { FRAMING_HEAD_BYTES } from '../../ingest/framing/detect-framing.ts';
import { InputError } from '../../ingest/ingest-item.ts';
import { openObject } from '../../ingest/open-object.ts';

export type Sniff = { readonly log: true } | { readonly log: false; readonly reason: string };

export async function sniffLog(path: string): Promise<Sniff> {
  const stream = createReadStream(path, { start: 0, end: FRAMING_HEAD_BYTES - 1 });
  let head: Uint8Array | undefined;
  const input = (async function* () {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      head ??= chunk;
      yield chunk;
    }
  })();
  try {
    await openObject(input, { uri: path });
    return { log: true };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Compressed: a log whose bytes are damaged is bad input to report, not something to skip.
    if (head && codecByMagic(head)) return { log: true };
    return { log: false, reason: error.reason };
  } finally {
    stream.destroy();
  }
}
