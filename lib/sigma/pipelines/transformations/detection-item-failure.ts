/** `detection_item_failure`: a rule with a selected detection item is refused with `message`. */
import { str } from '../params.ts';
import { editItems } from '../edit.ts';
import { TransformationFailure } from '../pipeline.ts';
import type { TransformationType } from './transformation-type.ts';

export const detectionItemFailure: TransformationType = {
  name: 'detection_item_failure',
  params: { required: ['message'], optional: [] },
  make(p) {
    const message = str(p, 'message');
    return {
      type: 'detection_item_failure',
      apply: (version, ctx) =>
        editItems(version, ctx, (item) => {
          throw new TransformationFailure(`${item.label}: ${message}`);
        }),
    };
  },
};
