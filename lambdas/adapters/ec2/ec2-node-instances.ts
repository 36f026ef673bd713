import type { DescribeInstancesCommandInput, DescribeInstancesCommandOutput, EC2Client } from '@aws-sdk/client-ec2';
import type { NodeNames } from '../../drain/ports';
import type { NodeInstances } from '../../scaler/ports';

type Ec2Sdk = typeof import('@aws-sdk/client-ec2');

/** Instance states a node name may still stand for: everything but gone. */
const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

/**
 * Kubernetes node names and EC2 instances, both ways, with `DescribeInstances`
 * (read-only): on EKS a node is named by its instance's private DNS name
 * (`ip-10-0-1-7.ec2.internal`). A terminated instance keeps its name for a
 * while and a new one may get the same address, so terminated ones are left
 * out. Build the client with the SDK's standard retries; what outlasts them
 * is thrown, and the caller retries the record.
 *
 * The EC2 SDK is the heaviest client to load (a few hundred ms of a cold
 * start) and only a targeted scale-in or a drain needs it, so it is imported
 * on the first lookup, not with the function: a scale-up never pays for it.
 */
export class Ec2NodeInstances implements NodeInstances, NodeNames {
  private loaded: Promise<{ readonly client: EC2Client; readonly sdk: Ec2Sdk }> | undefined;

  /** @param makeClient builds the client from the SDK once it is loaded. @default - an `EC2Client` with the SDK's defaults */
  constructor(private readonly makeClient: (sdk: Ec2Sdk) => EC2Client = (sdk) => new sdk.EC2Client({})) {}

  private async describe(input: DescribeInstancesCommandInput): Promise<DescribeInstancesCommandOutput> {
    this.loaded ??= import('@aws-sdk/client-ec2').then((sdk) => ({ sdk, client: this.makeClient(sdk) }));
    const { client, sdk } = await this.loaded;
    return client.send(new sdk.DescribeInstancesCommand(input));
  }

  async instanceIdsOf(nodeName: string): Promise<readonly string[]> {
    const output = await this.describe({
      Filters: [
        { Name: 'private-dns-name', Values: [nodeName] },
        { Name: 'instance-state-name', Values: LIVE_STATES },
      ],
    });
    return (output.Reservations ?? []).flatMap((reservation) => (reservation.Instances ?? []).flatMap((instance) => (instance.InstanceId ? [instance.InstanceId] : [])));
  }

  async nodeNameOf(instanceId: string): Promise<string | undefined> {
    try {
      const output = await this.describe({ InstanceIds: [instanceId] });
      const name = output.Reservations?.[0]?.Instances?.[0]?.PrivateDnsName;
      return name ? name : undefined;
    } catch (error) {
      // An instance EC2 no longer knows has no name to give; the drain request goes without one.
      if ((error as Error).name === 'InvalidInstanceID.NotFound') return undefined;
      throw error;
    }
  }
}
