import { RemovalPolicy, aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { RECENT_DECISIONS_INDEX, TABLE_PARTITION_KEY, TABLE_TTL_ATTRIBUTE } from '../../lambdas/adapters/dynamodb/table';

/** Properties of a {@link DecisionTable}. */
export interface DecisionTableProps {
  /**
   * What happens to the table when it leaves the stack (or the stack is deleted).
   * @default RemovalPolicy.RETAIN - it is the audit trail of every scaling action
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * DynamoDB's deletion protection: no one (console, CLI, another stack) can
   * delete the table until it is turned off.
   * @default - on, unless `removalPolicy` is DESTROY (a table meant to go with the stack must be deletable)
   */
  readonly deletionProtection?: boolean;
}

/**
 * The one DynamoDB table of alertscale: dedupe and decision records, node
 * group state, send records (see `lambdas/adapters/dynamodb/table.ts` for the
 * key scheme). On-demand, because alert traffic is bursty and mostly idle;
 * point-in-time recovery on; encrypted; items expire through TTL on
 * `expiresAt`. The sparse, keys-only `recent` index lists decisions newest
 * first without reading the table.
 */
export class DecisionTable extends Construct {
  /** The table. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DecisionTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_TTL_ATTRIBUTE,
      removalPolicy,
      deletionProtection: props.deletionProtection ?? removalPolicy !== RemovalPolicy.DESTROY,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: RECENT_DECISIONS_INDEX.name,
      partitionKey: { name: RECENT_DECISIONS_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: RECENT_DECISIONS_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
  }
}
