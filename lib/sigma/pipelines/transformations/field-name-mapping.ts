/** `field_name_mapping`: `mapping: {Field: Target | [Target, ...]}`; several targets OR the item once per target. */
import { stringMapping } from '../params.ts';
import { fieldNameTransformation } from './field-names.ts';
import type { TransformationType } from './transformation-type.ts';

export const fieldNameMapping: TransformationType = {
  name: 'field_name_mapping',
  params: { required: ['mapping'], optional: [] },
  make(p) {
    const mapping = stringMapping(p, 'mapping');
    return Object.assign(fieldNameTransformation('field_name_mapping', (field) => mapping.get(field)), { mapping });
  },
};
