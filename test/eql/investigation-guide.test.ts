/**
 * Triage steps from an Elastic investigation guide (`note`), for rules whose guides are shaped
 * differently from the bundled one.
 */
import { describe, expect, it } from 'vitest';
import { readInvestigationGuide } from '../../lib/eql/investigation-guide.ts';

describe('readInvestigationGuide', () => {
  it('takes list items under investigation and response headings, keeping nesting', () => {
    const note = [
      '## Triage and analysis',
      'Some prose that is not a step.',
      '### Possible investigation steps',
      '- Check the parent process.',
      '  - Look at its command line: $osquery_0',
      '### False positive analysis',
      '- Backup agents.',
      '### Response and remediation',
      '* Isolate the host.',
    ].join('\n');
    const guide = readInvestigationGuide(note, [{ label: 'Osquery - Processes', query: 'SELECT *\n  FROM processes' }]);
    expect(guide.triage).toEqual(['Check the parent process.', '  Look at its command line: Osquery - Processes: SELECT * FROM processes', 'Isolate the host.']);
    expect(guide.falsePositives).toEqual(['Backup agents.']);
  });

  it('without the usual headings, every list item is a step', () => {
    expect(readInvestigationGuide('## Notes\n- one\n- two\n', []).triage).toEqual(['one', 'two']);
  });

  it('without any list, the paragraphs are the steps', () => {
    expect(readInvestigationGuide('## Guide\nLook at the process tree.\n\nThen   the network.', []).triage).toEqual([
      'Look at the process tree.',
      'Then the network.',
    ]);
  });

  it('leaves unknown osquery placeholders as written', () => {
    expect(readInvestigationGuide('### Possible investigation steps\n- run $osquery_7', []).triage).toEqual(['run $osquery_7']);
  });
});
