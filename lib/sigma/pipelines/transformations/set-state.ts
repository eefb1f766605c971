/** `set_state`: `key` is set to `val` in the rule's pipeline state, for later `processing_state` conditions. */
import { scalar, str } from '../params.ts';
import type { TransformationType } from './transformation-type.ts';

export const setState: TransformationType = {
  name: 'set_state',
  params: { required: ['key', 'val'], optional: [] },
  make(p) {
    const key = str(p, 'key');
    const val = scalar(p, 'val');
    return {
      type: 'set_state',
      apply: (version) => (version.state[key] === val ? version : { ...version, state: { ...version.state, [key]: val } }),
    };
  },
};
