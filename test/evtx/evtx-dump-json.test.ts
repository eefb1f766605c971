/**
 * The evtx_dump JSON conventions for shapes the regression data does not contain: unnamed
 * `<Data>`, repeated element names, array values repeating their element, nested BinXML
 * (`UserData`), empty values.
 */
import { describe, expect, it } from 'vitest';
import { type Content, type SubstitutionValue, type XmlElement, xmlElement } from '../../lib/evtx/binxml.ts';
import { renderRecord } from '../../lib/evtx/render-record.ts';
import { firstWinsValue, type RepeatedData } from '../../lib/evtx/repeated-data.ts';

const el = (name: string, content: Content[] = [], attrs: Record<string, Content[]> = {}): XmlElement =>
  xmlElement(
    name,
    Object.entries(attrs).map(([attrName, value]) => ({ name: attrName, value })),
    content,
  );
const sub = (index: number): Content => ({ kind: 'substitution', index });
const instance = (nodes: Content[], values: SubstitutionValue[]): Content => ({
  kind: 'instance',
  template: { offset: 0, nodes },
  values,
});
const render = (nodes: Content[], values: SubstitutionValue[]): unknown => renderRecord([instance(nodes, values)]);
const event = (...children: XmlElement[]): Content[] => [el('Event', children)];

describe('evtx_dump JSON shape', () => {
  it('EventID with Qualifiers: #attributes and #text; without: the number', () => {
    const template = event(el('System', [el('EventID', [sub(0)], { Qualifiers: [sub(1)] })]));
    expect(render(template, [4902, 16384])).toEqual({
      Event: { System: { EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 4902 } } },
    });
    expect(render(template, [4902, null])).toEqual({ Event: { System: { EventID: 4902 } } });
  });

  it('empty elements are null, empty named Data is ""', () => {
    const template = event(
      el('System', [el('Correlation', [], { ActivityID: [sub(0)] })]),
      el('EventData', [el('Data', [sub(1)], { Name: ['RuleName'] })]),
    );
    expect(render(template, [null, ''])).toEqual({ Event: { System: { Correlation: null }, EventData: { RuleName: '' } } });
  });

  it('unnamed Data items: one is {"#text": value}, several are {"#text": [values]}', () => {
    const one = event(el('EventData', [el('Data', [sub(0)])]));
    expect(render(one, ['only'])).toEqual({ Event: { EventData: { Data: { '#text': 'only' } } } });
    const three = event(el('EventData', [el('Data', [sub(0)]), el('Data', [sub(1)]), el('Binary', [sub(2)]), el('Data', [])]));
    expect(render(three, ['a', 7, 'BEEF'])).toEqual({
      Event: { EventData: { Data: { '#text': ['a', 7, ''] }, Binary: 'BEEF' } },
    });
  });

  it('an array value repeats its element once per item', () => {
    const template = event(el('EventData', [el('Data', [sub(0)])]));
    expect(render(template, [['x', '', 'z']])).toEqual({ Event: { EventData: { Data: { '#text': ['x', '', 'z'] } } } });
  });

  it('a repeated <Data Name> keeps the last value, as evtx_dump does, and notes the first (issue 16 row 10)', () => {
    const template = event(
      el('System', [el('EventID', [sub(0)])]),
      el('EventData', [el('Data', [sub(1)], { Name: ['Image'] }), el('Data', [sub(2)], { Name: ['User'] }), el('Data', [sub(3)], { Name: ['Image'] }), el('Data', [sub(4)], { Name: ['Image'] })]),
    );
    const repeats: RepeatedData = new Map();
    const value = renderRecord([instance(template, [1, 'C:\\evil.exe', 'u', 'C:\\Windows\\notepad.exe', 'x.exe'])], undefined, repeats);
    expect(value).toEqual({ Event: { System: { EventID: 1 }, EventData: { Image: 'x.exe', User: 'u' } } });
    expect(firstWinsValue(value, repeats)).toEqual({ Event: { System: { EventID: 1 }, EventData: { Image: 'C:\\evil.exe', User: 'u' } } });
    // The value itself is untouched, and a record without repeats notes none.
    expect((value['Event'] as { EventData: { Image: string } }).EventData.Image).toBe('x.exe');
    const none: RepeatedData = new Map();
    renderRecord([instance(event(el('EventData', [el('Data', [sub(0)], { Name: ['Image'] }), el('Data', [sub(1)], { Name: ['User'] })])), ['a', 'b'])], undefined, none);
    expect(none.size).toBe(0);
  });

  it('repeated element names get _1, _2 suffixes', () => {
    const template = event(el('Info', [el('Header', ['a']), el('Header', ['b']), el('Header', ['c'])]));
    expect(render(template, [])).toEqual({ Event: { Info: { Header: 'a', Header_1: 'b', Header_2: 'c' } } });
  });

  it('nested BinXML in a substitution (UserData) is rendered in place', () => {
    const inner = instance([el('LogFileCleared', [el('SubjectUserName', [sub(0)])], { xmlns: ['http://x'] })], ['admin']);
    const template = event(el('UserData', [sub(0)]));
    expect(render(template, [{ kind: 'xml', nodes: [inner] }])).toEqual({
      Event: { UserData: { LogFileCleared: { '#attributes': { xmlns: 'http://x' }, SubjectUserName: 'admin' } } },
    });
  });

  it('text pieces are joined and trimmed; a lone number stays a number', () => {
    const template = event(el('Message', ['  took ', sub(0), ' ms  ']), el('Count', [sub(0)]));
    expect(render(template, [12])).toEqual({ Event: { Message: 'took 12 ms', Count: 12 } });
  });

  it('a name from the file cannot reach Object.prototype', () => {
    const template = event(el('EventData', [el('Data', ['polluted'], { Name: ['__proto__'] })]));
    const value = render(template, []) as { Event: { EventData: Record<string, unknown> } };
    expect(Object.getOwnPropertyDescriptor(value.Event.EventData, '__proto__')?.value).toBe('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
