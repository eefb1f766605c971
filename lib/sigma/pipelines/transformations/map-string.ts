/** `map_string`: `mapping: {value: replacement | [replacements]}`; a value equal to a key (as written) is replaced. */
import { stringMapping } from '../params.ts';
import { editStringValues } from './string-values.ts';
import type { TransformationType } from './transformation-type.ts';

export const mapString: TransformationType = {
  name: 'map_string',
  params: { required: ['mapping'], optional: [] },
  make(p) {
    const mapping = stringMapping(p, 'mapping');
    return {
      type: 'map_string',
      apply: (version, ctx) => editStringValues(version, ctx, 'mapped values', (value) => mapping.get(value)),
    };
  },
};
