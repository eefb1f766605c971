/**
 * What a framing yields: one record's bytes (not yet decoded or parsed), or the reason a stretch
 * of input could not be cut into a record. Either way it names where in the object it sits.
 */
export type FramedRecord =
  | { readonly kind: 'record'; readonly bytes: Buffer; readonly location: string }
  | { readonly kind: 'bad'; readonly location: string; readonly reason: string };

export type FramingName = 'json-lines' | 'json-values' | 'json-array' | 'event-xml' | 'evtx';

/** Joins the pieces of a record that spanned chunks (no copy when it did not). */
export function joinPieces(pieces: Buffer[], length: number): Buffer {
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length);
}
