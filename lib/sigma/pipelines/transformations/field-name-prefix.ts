/** `field_name_prefix`: `prefix` is put before every selected field name. */
import { str } from '../params.ts';
import { fieldNameTransformation } from './field-names.ts';
import type { TransformationType } from './transformation-type.ts';

export const fieldNamePrefix: TransformationType = {
  name: 'field_name_prefix',
  params: { required: ['prefix'], optional: [] },
  make(p) {
    const prefix = str(p, 'prefix');
    return fieldNameTransformation('field_name_prefix', (field) => [prefix + field]);
  },
};
