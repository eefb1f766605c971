/**
 * One generated Windows event, before a shipper lays it out: the `<System>` facts and the
 * named `<EventData>` items, as Windows itself would hold them.
 */
export interface SyntheticEvent {
  readonly channel: string;
  readonly provider: string;
  readonly providerGuid: string;
  readonly eventId: number;
  readonly version: number;
  readonly level: number;
  readonly task: number;
  readonly opcode: number;
  /** As Windows renders it, e.g. `0x8020000000000000`. */
  readonly keywords: string;
  readonly timeMs: number;
  readonly recordId: number;
  readonly computer: string;
  readonly processId: number;
  readonly threadId: number;
  readonly userSid: string;
  /** `<EventData><Data Name="k">v</Data>` in document order. */
  readonly data: Readonly<Record<string, string>>;
  /** The rendered message shippers add beside the data. */
  readonly message: string;
  /** Set on the Bits-Client jobs planted to be found, so a run can say how many it hid. */
  readonly planted?: PlantedKind;
}

/** BITS jobs the generator hides in the batch; the bundled rules are about these. */
export type PlantedKind = 'bits-public-ip' | 'bits-private-ip' | 'bits-uncommon-tld';
