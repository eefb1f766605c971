/** A condition type as pipelines name it (`type: logsource`): the keys it reads and how it is made. */
import type { ParamSpec, Params } from '../params.ts';

export interface ConditionType<C> {
  readonly name: string;
  readonly params: ParamSpec;
  make(p: Params): C;
}
