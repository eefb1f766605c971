import { describe, expect, it } from 'vitest';
import { readAlertConfig } from '../../lib/alerts/alert-config.ts';

describe('alert settings from the environment', () => {
  it('defaults to folding per object, rule and host with 10 events, and no shared record', () => {
    expect(readAlertConfig({})).toEqual({ grouping: 'object-rule-host', maxEventsPerAlert: 10 });
  });

  it('reads every setting', () => {
    expect(
      readAlertConfig({
        ALERT_STATE_BUCKET: 'state',
        ALERT_STATE_PREFIX: 'alerts/published',
        ALERT_GROUPING: 'event',
        ALERT_MAX_EVENTS: '3',
        ALERT_MAX_MESSAGE_BYTES: '1048576',
        ALERT_CLAIM_LEASE_MS: '60000',
      }),
    ).toEqual({
      stateBucket: 'state',
      statePrefix: 'alerts/published',
      grouping: 'event',
      maxEventsPerAlert: 3,
      maxMessageBytes: 1_048_576,
      claimLeaseMs: 60_000,
    });
  });

  it('names the setting and the allowed values when one is wrong', () => {
    expect(() => readAlertConfig({ ALERT_GROUPING: 'host' })).toThrow("ALERT_GROUPING 'host' is not one of object-rule-host, object-rule, event");
    expect(() => readAlertConfig({ ALERT_MAX_EVENTS: '0' })).toThrow("ALERT_MAX_EVENTS must be a whole number from 1 to 1000, not '0'");
    expect(() => readAlertConfig({ ALERT_MAX_MESSAGE_BYTES: '2000000' })).toThrow(/ALERT_MAX_MESSAGE_BYTES .* to 1048576/);
    expect(() => readAlertConfig({ ALERT_CLAIM_LEASE_MS: '15m' })).toThrow("ALERT_CLAIM_LEASE_MS must be a whole number from 1000 to 86400000, not '15m'");
  });
});
