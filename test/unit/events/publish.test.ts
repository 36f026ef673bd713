import { PutEventsCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../../lambdas/adapters/eventbridge/eventbridge-bus';
import { DetailType } from '../../../lambdas/shared/events';
import { publishAll } from '../../../lambdas/shared/publish';

const eventBridge = mockClient(EventBridgeClient);
beforeEach(() => eventBridge.reset());

describe('publishAll on EventBridge', () => {
  it('sends at most 10 entries per PutEvents call', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `e${i}` })) }));
    const events = Array.from({ length: 25 }, (_, i) => ({ detailType: DetailType.AlertDecided, detail: { n: i } }));

    await publishAll(new EventBridgeBus(new EventBridgeClient({ region: 'us-east-1' }), 'alertscale'), events, { sleep: async () => {} });

    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 5]);
  });
});
