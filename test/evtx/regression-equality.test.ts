/**
 * The native reader against evtx_dump: every SigmaHQ regression `.evtx` must read to exactly the
 * records of the evtx_dump JSON beside it (same order, fields and values), with nothing unreadable.
 */
import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { readEvtx } from '../../lib/evtx/read-evtx.ts';
import { describeShared } from '../support/shared-corpus.ts';
import { readEvtxDumpJson, regressionEvtxFiles } from './evtx-dump-pairs.ts';

describeShared('readEvtx equals evtx_dump on SigmaHQ regression data', () => {
  const files = regressionEvtxFiles();

  it('finds the regression pairs', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(files.map((file) => [file.split('/regression_data/')[1], file]))('%s', async (_name, file) => {
    const expected = readEvtxDumpJson(file!.replace(/\.evtx$/, '.json'));
    const records: unknown[] = [];
    const problems: string[] = [];
    for await (const item of readEvtx(createReadStream(file!), file!)) {
      if (item.kind === 'record') records.push(item.value);
      else problems.push(item.error.message);
    }
    expect(problems).toEqual([]);
    expect(records).toEqual(expected);
  });
});
