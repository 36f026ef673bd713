import { aws_iam as iam, aws_kms as kms, aws_sns as sns } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The SNS topic every alertscale alarm notifies: subscribe the operators'
 * e-mail, chat or paging integration to it. Encrypted with its own KMS key,
 * because CloudWatch cannot publish to a topic under the AWS managed SNS key
 * (that key's policy cannot be changed to let CloudWatch use it).
 */
export class AlarmTopic extends Construct {
  /** The topic. */
  readonly topic: sns.Topic;
  /** The customer managed key the topic is encrypted with; rotated yearly. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string) {
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
      displayName: 'alertscale alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
  }
}
