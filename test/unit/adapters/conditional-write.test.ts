import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { conditionalWrite } from '../../../lambdas/adapters/dynamodb/table';

describe('a conditional write', () => {
  it('is true when the write went through', async () => {
    expect(await conditionalWrite(Promise.resolve({}))).toBe(true);
  });

  it('is false when its condition did not hold, whether the error is the SDK class or only carries its name', async () => {
    const sdk = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    expect(await conditionalWrite(Promise.reject(sdk))).toBe(false);
    // dynalite's answers come back through another copy of the client in some tests: the name is what counts.
    expect(await conditionalWrite(Promise.reject(Object.assign(new Error('failed'), { name: 'ConditionalCheckFailedException' })))).toBe(false);
  });

  it('throws any other failure, so a throttled or failed write is retried rather than taken for a lost race', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    await expect(conditionalWrite(Promise.reject(throttled))).rejects.toBe(throttled);
  });
});
