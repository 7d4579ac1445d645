"""The Python twin of test/languages/typescript/app.ts: the same stacks, constructs, IDs and
properties. `npm run test:languages` installs the built wheel (dist/python) and aws-cdk-lib into a
virtual environment, runs this app and compares its templates with the TypeScript app's."""
from aws_cdk import App, CfnOutput, Duration, Environment, RemovalPolicy, Stack
from cdk_cross_account_sharing import (
    ComputeType,
    ConnectionAccessType,
    ConnectionAliasAssociation,
    DriftAction,
    DriftCheck,
    PartnerConnectionPreferences,
    SharedConnectionAlias,
    SharedWorkspaceImage,
    WorkspaceBundle,
    WorkspaceImageCopy,
)

# The app writes to CDK_OUTDIR, which the runner sets.
app = App()

# The owner's shares.
owner = Stack(app, "OwnerStack", env=Environment(account="111111111111", region="eu-west-1"))
image = SharedWorkspaceImage(
    owner,
    "GoldenImage",
    image_id="wsi-abc123def",
    account_ids=["222222222222", "333333333333"],
    drift_check=DriftCheck(interval=Duration.hours(6), action=DriftAction.REPAIR),
)
image.add_account("444444444444")
SharedConnectionAlias(owner, "AliasShare", alias_id="wsca-abc12345", account_id="222222222222")

# Partner Central's connection preferences: its API is in us-east-1.
partner = Stack(app, "PartnerStack", env=Environment(account="111111111111", region="us-east-1"))
PartnerConnectionPreferences(
    partner,
    "PartnerConnections",
    catalog="Sandbox",
    access_type=ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME,
    excluded_participant_ids=["competitor-1"],
    removal_policy=RemovalPolicy.DESTROY,
)

# The receiving side, in the account the image and the alias are shared with.
receiving = Stack(app, "ReceivingStack", env=Environment(account="222222222222", region="eu-west-1"))
copy = WorkspaceImageCopy(
    receiving,
    "GoldenImageCopy",
    source_image_id="wsi-abc123def",
    source_region="eu-west-1",
    name="golden-image",
    description="Copy of the shared golden image",
    removal_policy=RemovalPolicy.DESTROY,
)
bundle = WorkspaceBundle(
    receiving,
    "GoldenBundle",
    image_id=copy.image_id,
    compute_type=ComputeType.STANDARD,
    user_storage_gib=50,
    name="golden-standard",
)
association = ConnectionAliasAssociation(
    receiving, "AliasAssociation", alias_id="wsca-abc12345", directory_id="d-1234567890"
)
CfnOutput(receiving, "BundleId", value=bundle.bundle_id)
CfnOutput(receiving, "ConnectionIdentifier", value=association.connection_identifier)

app.synth()
