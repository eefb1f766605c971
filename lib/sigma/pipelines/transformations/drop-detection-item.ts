/** `drop_detection_item`: the selected items are removed (a group left empty holds, see mapItems). */
import { editItems } from '../edit.ts';
import type { TransformationType } from './transformation-type.ts';

export const dropDetectionItem: TransformationType = {
  name: 'drop_detection_item',
  params: { required: [], optional: [] },
  make: () => ({
    type: 'drop_detection_item',
    apply: (version, ctx) => editItems(version, ctx, (item) => ({ tree: null, what: `dropped ${item.label}` })),
  }),
};
