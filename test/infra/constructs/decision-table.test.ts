import { RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, it } from 'vitest';
import { DecisionTable } from '../../../lib/constructs/decision-table';
import { bareStack, removeAssemblies } from '../support';

afterAll(removeAssemblies);

function tableAlone(props?: ConstructorParameters<typeof DecisionTable>[2]) {
  const stack = bareStack();
  new DecisionTable(stack, 'DecisionTable', props);
  return Template.fromStack(stack);
}

describe('DecisionTable, alone on a stack', () => {
  it('is retained with the stack and protected from deletion by default', () => {
    const template = tableAlone();
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('can be destroyed with the stack, and is then deletable', () => {
    const template = tableAlone({ removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('has the keys-only recent index on recentBucket and createdAt, both strings', () => {
    tableAlone().hasResourceProperties('AWS::DynamoDB::Table', {
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'recentBucket', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'recent',
          KeySchema: [
            { AttributeName: 'recentBucket', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    });
  });
});
