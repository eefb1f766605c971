/**
 * The transformation types pipelines may name. Types pySigma has that only shape a backend's
 * output (or read external sources) are refused by name with the reason, so a pipeline written
 * for a query backend fails loudly here instead of half-working.
 */
import { addCondition } from './add-condition.ts';
import { changeLogsource } from './change-logsource.ts';
import { detectionItemFailure } from './detection-item-failure.ts';
import { dropDetectionItem } from './drop-detection-item.ts';
import { fieldNameMapping } from './field-name-mapping.ts';
import { fieldNamePrefix } from './field-name-prefix.ts';
import { fieldNamePrefixMapping } from './field-name-prefix-mapping.ts';
import { fieldNameSuffix } from './field-name-suffix.ts';
import { mapString } from './map-string.ts';
import { valuePlaceholders, wildcardPlaceholders } from './placeholders.ts';
import { replaceString } from './replace-string.ts';
import { ruleFailure } from './rule-failure.ts';
import { setState } from './set-state.ts';
import type { TransformationType } from './transformation-type.ts';
import { unavailableFields } from './unavailable-fields.ts';

export const TRANSFORMATIONS: ReadonlyMap<string, TransformationType> = new Map(
  [
    fieldNameMapping,
    fieldNamePrefixMapping,
    fieldNamePrefix,
    fieldNameSuffix,
    dropDetectionItem,
    addCondition,
    changeLogsource,
    replaceString,
    mapString,
    valuePlaceholders,
    wildcardPlaceholders,
    ruleFailure,
    detectionItemFailure,
    setState,
    unavailableFields,
  ].map((t) => [t.name, t]),
);

/** pySigma types refused, and why. */
export const REFUSED: ReadonlyMap<string, string> = new Map([
  ['add_field', 'adds to the fields a backend outputs; it does not change what matches'],
  ['remove_field', 'changes the fields a backend outputs; it does not change what matches'],
  ['set_field', 'changes the fields a backend outputs; it does not change what matches'],
  ['query_expression_placeholders', 'inserts backend query text, which an evaluator has no use for'],
  ['set_custom_attribute', 'sets a backend attribute; it does not change what matches'],
  ['field_name_transform', 'calls a Python function, which a YAML pipeline cannot name here'],
  ['file_placeholders', 'reads placeholder values from external files; give them as vars or rule-pack placeholders'],
  ['http_placeholders', 'reads placeholder values over the network; give them as vars or rule-pack placeholders'],
  ['command_placeholders', 'runs a command for placeholder values; give them as vars or rule-pack placeholders'],
  ['strict_field_mapping_failure', 'depends on pySigma backend field tracking; use unavailable_fields or rule_failure'],
  ['hashes_fields', 'not supported yet: map the Hashes field explicitly'],
  ['extract_fields', 'not supported yet'],
  ['regex', 'rewrites values into backend regular expressions; not supported'],
  ['set_value', 'not supported yet'],
  ['convert_type', 'not supported yet'],
  ['case', 'changes value case for a backend; matching here is already case-insensitive unless `cased`'],
  ['nest', 'not supported yet: write the nested items into the pipeline'],
]);

export type { TransformationType };
