import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFormEncodedKey } from '../../lib/invocation/s3-key.ts';
import { formEncodeKey } from './aws-events.ts';

describe('decodeFormEncodedKey', () => {
  it('inverts S3 notification key encoding for any key, including +, %, spaces and non-ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), (key) => {
        expect(decodeFormEncodedKey(formEncodeKey(key), 'key')).toBe(key);
      }),
      { numRuns: 500 },
    );
  });

  it('reads the documented example and a literal plus', () => {
    expect(decodeFormEncodedKey('red+flower.jpg', 'key')).toBe('red flower.jpg');
    expect(decodeFormEncodedKey('c%2B%2B/a+b.log', 'key')).toBe('c++/a b.log');
  });

  it('names the location of a key that is not valid encoding', () => {
    expect(() => decodeFormEncodedKey('100%.log', 'Records[0].s3.object.key')).toThrow(
      "Records[0].s3.object.key: object key '100%.log' is not valid URL encoding",
    );
  });
});
