import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_sns as sns,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Properties of a {@link DeadLetterQueue}. */
export interface DeadLetterQueueProps {
  /** What lands here, for the alarm's description: "notifications the router could not process". */
  readonly purpose: string;
  /** Operators' topic; the alarm notifies it. */
  readonly alarmTopic: sns.ITopic;
  /**
   * A FIFO dead-letter queue, for a FIFO source queue (SQS requires the same kind).
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * What an operator should do with a message here, for the alarm's description.
   * @default 'inspect them and redrive once the cause is fixed'
   */
  readonly advice?: string;
}

/**
 * A queue where work that failed every retry is parked for an operator to see,
 * with an alarm as soon as one message is in it: nothing is lost quietly.
 * Kept 14 days, SQS's maximum, so a long weekend does not expire the evidence,
 * also where the work itself is too old to redo (scale requests: the alarm
 * says not to redrive them).
 */
export class DeadLetterQueue extends Construct {
  /** The queue itself. */
  readonly queue: sqs.Queue;
  /** ApproximateNumberOfMessagesVisible ≥ 1. */
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: props.fifo || undefined,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const advice = props.advice ?? 'inspect them and redrive once the cause is fixed';
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: `alertscale: ${props.purpose} are waiting in a dead-letter queue; ${advice}`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
  }
}
