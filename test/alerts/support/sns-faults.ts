/**
 * Fault injection for PublishBatch through the SDK's own middleware stack (no module mocks): the
 * chosen entries are taken out of the request before it is sent to fauxqs and reported back in
 * `Failed`, exactly as SNS reports throttled or internally failed entries. Everything else really
 * goes through fauxqs to the subscribers.
 */
import type { PublishBatchCommandOutput, PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';

export interface FaultPlan {
  /** Decides per entry and attempt; `attempt` counts PublishBatch requests that carried this message. */
  fail(entry: PublishBatchRequestEntry, attempt: number): boolean;
}

export function injectPublishFaults(sns: SNSClient, plan: FaultPlan): { remove(): void; injected(): number } {
  const attempts = new Map<string, number>();
  let injected = 0;
  const name = `winsift-test-faults-${Math.random().toString(36).slice(2)}`;
  sns.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PublishBatchCommand') return next(args);
      const input = args.input as { PublishBatchRequestEntries?: PublishBatchRequestEntry[] };
      const entries = input.PublishBatchRequestEntries ?? [];
      const failing: PublishBatchRequestEntry[] = [];
      const passing: PublishBatchRequestEntry[] = [];
      for (const entry of entries) {
        const key = entry.Message ?? '';
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        (plan.fail(entry, attempt) ? failing : passing).push(entry);
      }
      injected += failing.length;
      const failed = failing.map((e) => ({ Id: e.Id, Code: 'InternalError', Message: 'injected by test', SenderFault: false }));
      if (passing.length === 0) {
        return { output: { Successful: [], Failed: failed, $metadata: {} } as PublishBatchCommandOutput, response: {} };
      }
      const result = await next({ ...args, input: { ...input, PublishBatchRequestEntries: passing } });
      const output = result.output as PublishBatchCommandOutput;
      return { ...result, output: { ...output, Failed: [...(output.Failed ?? []), ...failed] } };
    },
    { step: 'initialize', name },
  );
  return { remove: () => sns.middlewareStack.remove(name), injected: () => injected };
}
