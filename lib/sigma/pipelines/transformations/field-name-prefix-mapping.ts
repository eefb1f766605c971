/** `field_name_prefix_mapping`: `mapping: {Prefix: NewPrefix}`; the first listed prefix a field starts with is replaced. */
import { stringMapping } from '../params.ts';
import { fieldNameTransformation } from './field-names.ts';
import type { TransformationType } from './transformation-type.ts';

export const fieldNamePrefixMapping: TransformationType = {
  name: 'field_name_prefix_mapping',
  params: { required: ['mapping'], optional: [] },
  make(p) {
    const mapping = stringMapping(p, 'mapping');
    for (const [from, to] of mapping) if (to.length !== 1) throw `'mapping': prefix '${from}' must map to one prefix`;
    return fieldNameTransformation('field_name_prefix_mapping', (field) => {
      for (const [from, [to]] of mapping) if (field.startsWith(from)) return [to + field.slice(from.length)];
      return undefined;
    });
  },
};
