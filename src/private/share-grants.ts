import { CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeFinding, wildcardArnFinding } from './nag';
import { OWNER_STACK_TAG } from './patterns';

/** The tag actions with which a share resource records itself as the owner of the image or alias it shares. */
const OWNERSHIP_ACTIONS = ['workspaces:CreateTags', 'workspaces:DescribeTags', 'workspaces:DeleteTags'];

/**
 * The statements of a provider's share policy: each construct the provider serves asks for what
 * its handler calls, on the ARNs it names, and gets each statement once, each ARN once, with the
 * reason of every wildcard told to cdk-nag (both lines).
 */
export class ShareGrants {
  /** The WorkSpaces Describe actions granted on "*" so far. */
  private readonly describeActions = new Set<string>();

  /** cdk-nag 2's suppressions on the share policy (see suppressWildcard). */
  private readonly nagSuppressions: { id: string; reason: string; applies_to: string[] }[] = [];

  /** Per WorkSpaces resource type, the statement scoped to the ARNs the stack names, and those ARNs. */
  private readonly scopedStatements = new Map<string, { statement: iam.PolicyStatement; arns: Set<string> }>();
  /** The literal or token catalogs named by the stack's PartnerConnectionPreferences, rendered into the condition at synth. */
  private readonly partnerCatalogs: string[] = [];
  private partnerConnectionPreferencesStatement?: iam.PolicyStatement;
  /** The ownership tags of each catalog's connection preferences. */
  private partnerTagsStatement?: iam.PolicyStatement;

  constructor(private readonly policy: iam.Policy, private readonly role: iam.IRole) {}

  /**
   * Let the handler share and unshare one WorkSpaces image.
   */
  public workspaceImage(imageId: string): void {
    this.grantWorkspaces('workspaceimage', imageId, {
      actions: ['workspaces:UpdateWorkspaceImagePermission', 'workspaces:DescribeWorkspaceImagePermissions', ...OWNERSHIP_ACTIONS],
      describeAction: 'workspaces:DescribeWorkspaceImages',
      reason: 'workspaces:DescribeWorkspaceImages accepts only the "*" resource; it reads image state and changes nothing.',
    });
  }

  /**
   * Let the handler read and update the Partner Central connection preferences of one catalog.
   */
  public partnerConnectionPreferences(catalog: string): void {
    if (!this.partnerConnectionPreferencesStatement) {
      this.partnerConnectionPreferencesStatement = new iam.PolicyStatement({
        actions: ['partnercentral:GetConnectionPreferences', 'partnercentral:UpdateConnectionPreferences'],
        resources: ['*'],
        // The statement keeps this array by reference: catalogs pushed later render too.
        conditions: { StringEquals: { 'partnercentral:Catalog': this.partnerCatalogs } },
      });
      this.policy.addStatements(this.partnerConnectionPreferencesStatement);
      this.suppressWildcard('partnercentral:GetConnectionPreferences and partnercentral:UpdateConnectionPreferences take no resource and accept only "*"; the statement is scoped to the stack\'s catalogs by the partnercentral:Catalog condition.');
    }
    if (!this.partnerCatalogs.includes(catalog)) {
      this.partnerCatalogs.push(catalog);
      if (!this.partnerTagsStatement) {
        this.partnerTagsStatement = new iam.PolicyStatement({
          actions: ['partnercentral:TagResource', 'partnercentral:ListTagsForResource', 'partnercentral:UntagResource'],
        });
        this.policy.addStatements(this.partnerTagsStatement);
      }
      // Partner Central answers from us-east-1 only; that its preferences ARNs name that Region is
      // UNVERIFIED. Were IAM to refuse, the handler treats the tags as unsupported (see the README).
      this.partnerTagsStatement.addResources(Stack.of(this.policy).formatArn({
        service: 'partnercentral', region: 'us-east-1', resource: 'catalog', resourceName: `${catalog}/connection-preferences`,
      }));
    }
  }

  /**
   * Let the handler share and unshare one WorkSpaces connection alias.
   */
  public connectionAlias(aliasId: string): void {
    this.grantWorkspaces('connectionalias', aliasId, {
      actions: ['workspaces:UpdateConnectionAliasPermission', 'workspaces:DescribeConnectionAliasPermissions', ...OWNERSHIP_ACTIONS],
      describeAction: 'workspaces:DescribeConnectionAliases',
      reason: 'workspaces:DescribeConnectionAliases accepts only the "*" resource; it reads alias state and associations and changes nothing.',
    });
  }

  /**
   * Grant `actions` on the ARN of one WorkSpaces resource (one statement per resource type, each
   * ARN once), and on first use the resource type's Describe action, which accepts only "*".
   */
  private grantWorkspaces(resource: string, resourceName: string, grant: { actions: string[]; describeAction: string; reason: string }): void {
    let scoped = this.scopedStatements.get(resource);
    if (!scoped) {
      scoped = { statement: new iam.PolicyStatement({ actions: grant.actions }), arns: new Set() };
      this.scopedStatements.set(resource, scoped);
      this.policy.addStatements(scoped.statement);
      this.grantDescribe(grant.describeAction, grant.reason);
    }
    this.addScopedResource(scoped, Stack.of(this.policy).formatArn({ service: 'workspaces', resource, resourceName }));
  }

  /** Add an ARN to a scoped statement, once. */
  private addScopedResource(scoped: { statement: iam.PolicyStatement; arns: Set<string> }, arn: string): void {
    const key = JSON.stringify(Stack.of(this.policy).resolve(arn));
    if (!scoped.arns.has(key)) {
      scoped.arns.add(key);
      scoped.statement.addResources(arn);
    }
  }

  /** A WorkSpaces Describe action that accepts only "*", granted once, with the reason cdk-nag is told. */
  private grantDescribe(action: string, reason: string): void {
    if (this.describeActions.has(action)) return;
    this.describeActions.add(action);
    this.policy.addStatements(new iam.PolicyStatement({ actions: [action], resources: ['*'] }));
    this.suppressWildcard(reason);
  }

  /**
   * The statement of `key` (created on first use with `actions` and `conditions`), with `arns` added
   * once each. A wildcard in an ARN is acknowledged for cdk-nag with `reason`, finding by finding.
   */
  private grantReceiving(key: string, actions: string[], arns: string[], conditions?: Record<string, unknown>, reason?: string): void {
    let scoped = this.scopedStatements.get(key);
    if (!scoped) {
      scoped = { statement: new iam.PolicyStatement({ actions, conditions }), arns: new Set() };
      this.scopedStatements.set(key, scoped);
      this.policy.addStatements(scoped.statement);
    }
    for (const arn of arns) {
      this.addScopedResource(scoped, arn);
      if (reason && arn.includes('*')) this.suppressWildcardArn(arn, reason);
    }
  }

  /** The ARN of a WorkSpaces resource of the stack's account and Region, or of `account` and `region`. */
  private workspacesArn(resource: string, resourceName: string, account?: string, region?: string): string {
    return Stack.of(this.policy).formatArn({ service: 'workspaces', resource, resourceName, account, region });
  }

  /** The condition that a request tags what it creates as this stack's (the ownership tag). */
  private requestTaggedByStack(): Record<string, unknown> {
    return { StringEquals: { [`aws:RequestTag/${OWNER_STACK_TAG}`]: Stack.of(this.policy).stackId } };
  }

  /** The condition that a resource carries this stack's ownership tag. */
  private taggedByStack(): Record<string, unknown> {
    return { StringEquals: { [`aws:ResourceTag/${OWNER_STACK_TAG}`]: Stack.of(this.policy).stackId } };
  }

  /**
   * Let the handler copy one image into the stack's account and Region, and delete the copies
   * that carry the stack's ownership tag.
   */
  public imageCopy(sourceImageId: string, sourceRegion: string): void {
    const reason = 'The copy\'s image ID is known only once CopyWorkspaceImage made it, and the shared source belongs to an account the '
      + 'stack does not know: CopyWorkspaceImage and CreateTags are allowed on the stack\'s images only with the stack\'s ownership tag '
      + 'in the request, the delete only on images that carry it, and the source image by its own ID in any account.';
    this.grantReceiving('copy', ['workspaces:CopyWorkspaceImage', 'workspaces:CreateTags'], [
      this.workspacesArn('workspaceimage', sourceImageId, '*', sourceRegion),
      this.workspacesArn('workspaceimage', '*'),
    ], this.requestTaggedByStack(), reason);
    this.grantReceiving('copy-delete', ['workspaces:DeleteWorkspaceImage'], [this.workspacesArn('workspaceimage', '*')], this.taggedByStack(), reason);
    this.grantReceiving('copy-tags', ['workspaces:DescribeTags'], [this.workspacesArn('workspaceimage', '*')], undefined,
      'DescribeTags reads the ownership tags of an image of the stack\'s account found by the copy\'s name, whose ID is not known at synth; it changes nothing.');
    this.grantDescribe('workspaces:DescribeWorkspaceImages', 'workspaces:DescribeWorkspaceImages accepts only the "*" resource; it reads image state and changes nothing.');
  }

  /**
   * Let the handler create a bundle from one image of the stack's account, and delete the bundles
   * that carry the stack's ownership tag. An image ID that is a token (say a copy of the stack) is
   * granted in a policy of its own under `scope`, returned for the bundle to depend on: in the share
   * policy, on which every resource of the provider depends, it would make a cycle.
   */
  public bundle(scope: Construct, imageId: string): iam.Policy | undefined {
    const reason = 'A bundle\'s ID is known only once CreateWorkspaceBundle made it: CreateWorkspaceBundle and CreateTags are allowed on '
      + 'the stack\'s bundles only with the stack\'s ownership tag in the request, and the delete only on bundles that carry it.';
    const create = ['workspaces:CreateWorkspaceBundle', 'workspaces:CreateTags'];
    this.grantReceiving('bundle', create, [this.workspacesArn('workspacebundle', '*')], this.requestTaggedByStack(), reason);
    // A new imageId updates the bundle in place: the bundle must carry the stack's tag; the image is named.
    this.grantReceiving('bundle-delete', ['workspaces:DeleteWorkspaceBundle', 'workspaces:UpdateWorkspaceBundle'],
      [this.workspacesArn('workspacebundle', '*')], this.taggedByStack(), reason);
    this.grantReceiving('bundle-tags', ['workspaces:DescribeTags'], [this.workspacesArn('workspacebundle', '*')], undefined,
      'DescribeTags reads the ownership tags of a bundle of the stack\'s account found by the bundle\'s name, whose ID is not known at synth; it changes nothing.');
    this.grantDescribe('workspaces:DescribeWorkspaceBundles', 'workspaces:DescribeWorkspaceBundles accepts only the "*" resource; it reads bundle state and changes nothing.');
    this.grantDescribe('workspaces:DescribeWorkspaceImages', 'workspaces:DescribeWorkspaceImages accepts only the "*" resource; it reads image state and changes nothing.');
    const image = this.workspacesArn('workspaceimage', imageId);
    const onImage = [
      new iam.PolicyStatement({ actions: create, resources: [image], conditions: this.requestTaggedByStack() }),
      new iam.PolicyStatement({ actions: ['workspaces:UpdateWorkspaceBundle'], resources: [image] }),
    ];
    if (Token.isUnresolved(imageId)) return new iam.Policy(scope, 'ImagePolicy', { roles: [this.role], statements: onImage });
    this.grantReceiving('bundle', create, [image]);
    this.grantReceiving('bundle-image', ['workspaces:UpdateWorkspaceBundle'], [image]);
    return undefined;
  }

  /**
   * Let the handler associate one shared connection alias with one directory of the stack's
   * account, and disassociate it.
   */
  public aliasAssociation(aliasId: string, directoryId: string): void {
    // The alias belongs to the account that shares it, which the stack does not know: its ARN
    // names any account, as the WorkSpaces Administration Guide asks of the shared account's policy.
    const reason = 'A shared connection alias belongs to the account that shares it, which the receiving stack does not know: '
      + 'the alias is named by its ID in any account, as the WorkSpaces Administration Guide asks of the shared account\'s policy.';
    const alias = this.workspacesArn('connectionalias', aliasId, '*');
    this.grantReceiving('associate', ['workspaces:AssociateConnectionAlias'], [alias, this.workspacesArn('directory', directoryId)], undefined, reason);
    this.grantReceiving('disassociate', ['workspaces:DisassociateConnectionAlias'], [alias], undefined, reason);
    this.grantDescribe('workspaces:DescribeConnectionAliases',
      'workspaces:DescribeConnectionAliases accepts only the "*" resource; it reads alias state and associations and changes nothing.');
  }

  /**
   * Acknowledge cdk-nag's AwsSolutions-IAM5 finding for a "*" resource on the share policy, with the
   * reason, where both cdk-nag lines look, with no dependency on cdk-nag: aws-cdk-lib's native
   * acknowledgement (cdk-nag 3), and the `cdk_nag` metadata of the policy's CloudFormation resource
   * (cdk-nag 2, whose Aspects API many apps still use). The metadata holds every reason given so far.
   */
  private suppressWildcard(reason: string): void {
    Validations.of(this.policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
    this.addNagSuppression(reason, 'Resource::*');
  }

  /** The same for one ARN with a wildcard on the share policy (the receiving side's), each finding once. */
  private suppressWildcardArn(arn: string, reason: string): void {
    const finding = wildcardArnFinding(this.policy, arn);
    if (this.nagSuppressions.some(s => s.applies_to.includes(finding))) return;
    acknowledgeFinding(this.policy, finding, reason);
    this.addNagSuppression(reason, finding);
  }

  /** Add one cdk-nag 2 suppression to the share policy's `cdk_nag` metadata. */
  private addNagSuppression(reason: string, finding: string): void {
    this.nagSuppressions.push({ id: 'AwsSolutions-IAM5', reason, applies_to: [finding] });
    (this.policy.node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [...this.nagSuppressions] });
  }
}
