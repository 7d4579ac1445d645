package com.example.languagestest;

import java.util.List;

import com.example.cdk.crossaccountsharing.ComputeType;
import com.example.cdk.crossaccountsharing.ConnectionAccessType;
import com.example.cdk.crossaccountsharing.ConnectionAliasAssociation;
import com.example.cdk.crossaccountsharing.DriftAction;
import com.example.cdk.crossaccountsharing.DriftCheck;
import com.example.cdk.crossaccountsharing.PartnerConnectionPreferences;
import com.example.cdk.crossaccountsharing.SharedConnectionAlias;
import com.example.cdk.crossaccountsharing.SharedWorkspaceImage;
import com.example.cdk.crossaccountsharing.WorkspaceBundle;
import com.example.cdk.crossaccountsharing.WorkspaceImageCopy;

import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;

/**
 * The Java twin of test/languages/typescript/app.ts: the same stacks, constructs, IDs and
 * properties. The app writes to CDK_OUTDIR, which the runner sets.
 */
public final class Main {
    private Main() {
    }

    private static Stack stack(final App app, final String id, final String account, final String region) {
        return new Stack(app, id, StackProps.builder()
                .env(Environment.builder().account(account).region(region).build())
                .build());
    }

    public static void main(final String[] args) {
        App app = new App();

        // The owner's shares.
        Stack owner = stack(app, "OwnerStack", "111111111111", "eu-west-1");
        SharedWorkspaceImage image = SharedWorkspaceImage.Builder.create(owner, "GoldenImage")
                .imageId("wsi-abc123def")
                .accountIds(List.of("222222222222", "333333333333"))
                .driftCheck(DriftCheck.builder().interval(Duration.hours(6)).action(DriftAction.REPAIR).build())
                .build();
        image.addAccount("444444444444");
        SharedConnectionAlias.Builder.create(owner, "AliasShare")
                .aliasId("wsca-abc12345")
                .accountId("222222222222")
                .build();

        // Partner Central's connection preferences: its API is in us-east-1.
        Stack partner = stack(app, "PartnerStack", "111111111111", "us-east-1");
        PartnerConnectionPreferences.Builder.create(partner, "PartnerConnections")
                .catalog("Sandbox")
                .accessType(ConnectionAccessType.ALLOW_BY_DEFAULT_DENY_SOME)
                .excludedParticipantIds(List.of("competitor-1"))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();

        // The receiving side, in the account the image and the alias are shared with.
        Stack receiving = stack(app, "ReceivingStack", "222222222222", "eu-west-1");
        WorkspaceImageCopy copy = WorkspaceImageCopy.Builder.create(receiving, "GoldenImageCopy")
                .sourceImageId("wsi-abc123def")
                .sourceRegion("eu-west-1")
                .name("golden-image")
                .description("Copy of the shared golden image")
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        WorkspaceBundle bundle = WorkspaceBundle.Builder.create(receiving, "GoldenBundle")
                .imageId(copy.getImageId())
                .computeType(ComputeType.STANDARD)
                .userStorageGiB(50)
                .name("golden-standard")
                .build();
        ConnectionAliasAssociation association = ConnectionAliasAssociation.Builder.create(receiving, "AliasAssociation")
                .aliasId("wsca-abc12345")
                .directoryId("d-1234567890")
                .build();
        CfnOutput.Builder.create(receiving, "BundleId").value(bundle.getBundleId()).build();
        CfnOutput.Builder.create(receiving, "ConnectionIdentifier").value(association.getConnectionIdentifier()).build();

        app.synth();
    }
}
