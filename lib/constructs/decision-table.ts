import { RemovalPolicy, aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TABLE_PARTITION_KEY, TABLE_TTL_ATTRIBUTE } from '../../lambdas/adapters/dynamodb/table';

/**
 * The one DynamoDB table of alertscale: dedupe and decision records, node
 * group state, delivery records (see `lambdas/adapters/aws/table.ts` for the
 * key scheme). On-demand, because alert traffic is bursty and mostly idle;
 * point-in-time recovery on; encrypted; items expire through TTL on
 * `expiresAt`. Retained when the stack is deleted: it is the audit trail of
 * every scaling action.
 */
export class DecisionTable extends Construct {
  /** The table. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
