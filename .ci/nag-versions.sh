#!/usr/bin/env bash
# CI: cdk-nag 2 and 3 find nothing unacknowledged from the library on the peer floor of aws-cdk-lib
# (the version this project builds against, 2.259.0) and on the newest aws-cdk-lib on the
# registry, which users of `cdk init` get and whose newer Lambda runtimes cdk-nag's
# AwsSolutions-L1 compares with.
#
# It runs test/nag.test.ts (every construct in a stack, synthesized and checked by both cdk-nag
# lines) with aws-cdk-lib and constructs mapped to a copy installed in a temporary directory:
# every `require('aws-cdk-lib…')`, the library's and cdk-nag's alike, loads that copy. Needs the
# bundled handler (assets/), as the tests do. NAG_CDK_VERSIONS overrides the versions checked.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

floor=$(node -p "require('./package.json').peerDependencies['aws-cdk-lib'].replace(/^[^0-9]*/, '')")
newest=$(npm view aws-cdk-lib version)
versions="${NAG_CDK_VERSIONS:-$floor $newest}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for version in $(tr ' ' '\n' <<<"$versions" | sort -u); do
  dir="$work/aws-cdk-lib-$version"
  mkdir -p "$dir"
  echo "== cdk-nag 2 and 3 on aws-cdk-lib $version"
  (cd "$dir" && npm init -y >/dev/null && npm install --no-audit --no-fund --save-exact "aws-cdk-lib@$version" 'constructs@^10' >/dev/null)
  cat >"$dir/jest.config.js" <<EOF
const base = require('$root/package.json').jest;
module.exports = {
  ...base,
  rootDir: '$root',
  collectCoverage: false,
  reporters: ['default'],
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '^aws-cdk-lib$': '$dir/node_modules/aws-cdk-lib',
    '^aws-cdk-lib/(.*)$': '$dir/node_modules/aws-cdk-lib/\$1',
    '^constructs$': '$dir/node_modules/constructs',
  },
};
EOF
  NAG_EXPECT_AWS_CDK_LIB="$version" npx jest --ci --config "$dir/jest.config.js" test/nag.test.ts
done
echo "cdk-nag passed on aws-cdk-lib $versions"
