/** A transformation type as pipelines name it (`type: field_name_mapping`): the keys it reads and how it is made. */
import type { ParamSpec, Params } from '../params.ts';
import type { Transformation } from '../pipeline.ts';

export interface TransformationType {
  readonly name: string;
  readonly params: ParamSpec;
  make(p: Params): Transformation;
}
