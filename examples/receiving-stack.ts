/**
 * The receiving side of a share, in the account the owner shares with: it copies the shared golden
 * image, builds a bundle from the copy for its WorkSpaces, and associates the shared connection
 * alias with its directory.
 */
import { App, CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
// In your own app: import { ... } from 'cdk-cross-account-sharing';
import { ComputeType, ConnectionAliasAssociation, WorkspaceBundle, WorkspaceImageCopy } from '../src';

/** What the receiving stack needs to know of the owner's shares. */
export interface ReceivingStackProps extends StackProps {
  /** The image the owner shares with this account. */
  readonly sourceImageId: string;
  /** The connection alias the owner shares with this account: its ID is known once the owner's stack is deployed. */
  readonly aliasId?: string;
  /** The directory of this account to associate the alias with. */
  readonly directoryId: string;
}

/** Build the receiving stack in `app`. */
export function buildReceivingStack(app: App, id: string, props: ReceivingStackProps): Stack {
  const stack = new Stack(app, id, props);

  // The copy is this account's own image: DESTROY deletes it with the stack (RETAIN, the default, keeps it).
  const copy = new WorkspaceImageCopy(stack, 'GoldenImageCopy', {
    sourceImageId: props.sourceImageId,
    name: 'golden-image',
    description: 'Copy of the shared golden image',
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const bundle = new WorkspaceBundle(stack, 'GoldenBundle', {
    imageId: copy.imageId,
    computeType: ComputeType.STANDARD,
    userStorageGiB: 50,
    name: 'golden-standard',
  });
  new CfnOutput(stack, 'BundleId', { value: bundle.bundleId, description: 'For CfnWorkspace bundleId' });

  if (props.aliasId) {
    const association = new ConnectionAliasAssociation(stack, 'DesktopAliasAssociation', {
      aliasId: props.aliasId,
      directoryId: props.directoryId,
    });
    new CfnOutput(stack, 'ConnectionIdentifier', { value: association.connectionIdentifier, description: 'For the DNS TXT record of the alias' });
  }
  return stack;
}
