// The Go twin of test/languages/typescript/app.ts: the same stacks, constructs, IDs and
// properties. The app writes to CDK_OUTDIR, which the runner sets.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/example/cdk-cross-account-sharing-go/cdkcrossaccountsharing"
)

func stack(app awscdk.App, id string, account string, region string) awscdk.Stack {
	return awscdk.NewStack(app, jsii.String(id), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)},
	})
}

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)

	// The owner's shares.
	owner := stack(app, "OwnerStack", "111111111111", "eu-west-1")
	image := cdkcrossaccountsharing.NewSharedWorkspaceImage(owner, jsii.String("GoldenImage"), &cdkcrossaccountsharing.SharedWorkspaceImageProps{
		ImageId:    jsii.String("wsi-abc123def"),
		AccountIds: jsii.Strings("222222222222", "333333333333"),
		DriftCheck: &cdkcrossaccountsharing.DriftCheck{
			Interval: awscdk.Duration_Hours(jsii.Number(6)),
			Action:   cdkcrossaccountsharing.DriftAction_REPAIR,
		},
	})
	image.AddAccount(jsii.String("444444444444"))
	cdkcrossaccountsharing.NewSharedConnectionAlias(owner, jsii.String("AliasShare"), &cdkcrossaccountsharing.SharedConnectionAliasProps{
		AliasId:   jsii.String("wsca-abc12345"),
		AccountId: jsii.String("222222222222"),
	})

	// Partner Central's connection preferences: its API is in us-east-1.
	partner := stack(app, "PartnerStack", "111111111111", "us-east-1")
	cdkcrossaccountsharing.NewPartnerConnectionPreferences(partner, jsii.String("PartnerConnections"), &cdkcrossaccountsharing.PartnerConnectionPreferencesProps{
		Catalog:                jsii.String("Sandbox"),
		AccessType:             cdkcrossaccountsharing.ConnectionAccessType_ALLOW_BY_DEFAULT_DENY_SOME,
		ExcludedParticipantIds: jsii.Strings("competitor-1"),
		RemovalPolicy:          awscdk.RemovalPolicy_DESTROY,
	})

	// The receiving side, in the account the image and the alias are shared with.
	receiving := stack(app, "ReceivingStack", "222222222222", "eu-west-1")
	imageCopy := cdkcrossaccountsharing.NewWorkspaceImageCopy(receiving, jsii.String("GoldenImageCopy"), &cdkcrossaccountsharing.WorkspaceImageCopyProps{
		SourceImageId: jsii.String("wsi-abc123def"),
		SourceRegion:  jsii.String("eu-west-1"),
		Name:          jsii.String("golden-image"),
		Description:   jsii.String("Copy of the shared golden image"),
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	bundle := cdkcrossaccountsharing.NewWorkspaceBundle(receiving, jsii.String("GoldenBundle"), &cdkcrossaccountsharing.WorkspaceBundleProps{
		ImageId:        imageCopy.ImageId(),
		ComputeType:    cdkcrossaccountsharing.ComputeType_STANDARD(),
		UserStorageGiB: jsii.Number(50),
		Name:           jsii.String("golden-standard"),
	})
	association := cdkcrossaccountsharing.NewConnectionAliasAssociation(receiving, jsii.String("AliasAssociation"), &cdkcrossaccountsharing.ConnectionAliasAssociationProps{
		AliasId:     jsii.String("wsca-abc12345"),
		DirectoryId: jsii.String("d-1234567890"),
	})
	awscdk.NewCfnOutput(receiving, jsii.String("BundleId"), &awscdk.CfnOutputProps{Value: bundle.BundleId()})
	awscdk.NewCfnOutput(receiving, jsii.String("ConnectionIdentifier"), &awscdk.CfnOutputProps{Value: association.ConnectionIdentifier()})

	app.Synth(nil)
}
