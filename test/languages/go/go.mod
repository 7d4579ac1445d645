// The Go twin of test/languages/typescript/app.ts. `npm run test:languages` copies this folder
// into a work folder, points the replace below at the module that `npx projen package:go` writes
// (dist/go/cdkcrossaccountsharing), runs `go mod tidy`, then `go run .`.
module example.com/cdk-cross-account-sharing-languages-test

go 1.26

require (
	// The project builds against aws-cdk-lib 2.259.0, but the Go module proxy that this project's
	// machines reach does not serve github.com/aws/aws-cdk-go/awscdk/v2 v2.259.0 (it answers
	// "This module version is not available"): v2.275.0 is the nearest later version it serves.
	github.com/aws/aws-cdk-go/awscdk/v2 v2.275.0
	github.com/aws/constructs-go/constructs/v10 v10.5.1
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/example/cdk-cross-account-sharing-go/cdkcrossaccountsharing v0.0.0
)

replace github.com/example/cdk-cross-account-sharing-go/cdkcrossaccountsharing => ../../../dist/go/cdkcrossaccountsharing

// The package's go.mod names, as an indirect requirement, the cloud-assembly-schema module at
// the version npm installed (54.26.0), which that proxy does not serve either; v54.1.0, the one
// aws-cdk-go v2.259.0 itself names, is served. Nothing in the app's build imports it.
replace github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54 v54.26.0 => github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v54 v54.1.0
