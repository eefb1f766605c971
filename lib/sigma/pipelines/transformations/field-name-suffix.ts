/** `field_name_suffix`: `suffix` is put after every selected field name. */
import { str } from '../params.ts';
import { fieldNameTransformation } from './field-names.ts';
import type { TransformationType } from './transformation-type.ts';

export const fieldNameSuffix: TransformationType = {
  name: 'field_name_suffix',
  params: { required: ['suffix'], optional: [] },
  make(p) {
    const suffix = str(p, 'suffix');
    return fieldNameTransformation('field_name_suffix', (field) => [field + suffix]);
  },
};
