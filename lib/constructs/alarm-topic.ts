import {
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_iam as iam,
  aws_kms as kms,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/** Properties of an {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /**
   * The name operators see as the sender of alarm mail; the stack puts its own name in it.
   * @default 'alertscale alarms'
   */
  readonly displayName?: string;
  /**
   * E-mail addresses subscribed to the topic (context `alertscale:alarmEmails`).
   * Each address gets a confirmation mail and receives nothing until it confirms.
   * @default - no subscriber: subscribe one by hand, or alarms reach no one
   */
  readonly emails?: readonly string[];
  /**
   * An existing topic (context `alertscale:alarmTopicArn`), such as the one an
   * on-call or chat integration already listens to. SNS cannot subscribe a
   * topic to a topic, so every alarm notifies it as a second action; its key
   * policy must let CloudWatch publish, as this topic's does.
   * @default - only this topic
   */
  readonly alsoNotify?: sns.ITopic;
}

/**
 * The SNS topic every alertscale alarm notifies. Encrypted with its own KMS
 * key, because CloudWatch cannot publish to a topic under the AWS managed SNS
 * key (that key's policy cannot be changed to let CloudWatch use it).
 */
export class AlarmTopic extends Construct {
  /** The topic. */
  readonly topic: sns.Topic;
  /** The customer managed key the topic is encrypted with; rotated yearly. */
  readonly key: kms.Key;
  private readonly alsoNotify?: sns.ITopic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'alertscale: encrypts the operators alarm topic',
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'alertscale alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of [...new Set(props.emails ?? [])]) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.alsoNotify = props.alsoNotify;
  }

  /**
   * Makes every alarm under `scope` notify `alsoNotify` as well (a no-op
   * without it). Call once, after every construct made its alarms.
   */
  coverAlarmsOf(scope: IConstruct): void {
    if (!this.alsoNotify) return;
    const action = new cloudwatchActions.SnsAction(this.alsoNotify);
    for (const alarm of scope.node.findAll().filter((c): c is cloudwatch.Alarm => c instanceof cloudwatch.Alarm)) {
      alarm.addAlarmAction(action);
    }
  }
}
