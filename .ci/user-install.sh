#!/usr/bin/env bash
# CI: the README's Install lines work for a new user. In a fresh clone of this repository (nothing
# bundled or built), run the lines of the README's Install block as they are written, install the
# tarball they pack into a new CDK app (aws-cdk-lib, constructs and the CDK CLI's 2.x line from the
# registry), `cdk synth` it, and check that the handler's asset is in cdk.out.
#
# The lines are read from README.md, not copied here: the comment lines "# in a clone of this
# repository" and "# in your CDK app" of its Install block mark them, so a change of the README's
# lines is what this script runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
# The CDK CLI must not call home (notices, telemetry): CI has no internet beyond the registries.
export CDK_DISABLE_CLI_TELEMETRY=true

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The line after a marker comment of the README's Install block, without its trailing comment.
readme_line() {
  local line
  line=$(awk -v marker="$1" '$0 == marker { getline; print; exit }' "$root/README.md")
  [ -n "$line" ] || { echo "README.md has no line after \"$1\" (the Install block): keep the two marker comments there" >&2; exit 1; }
  sed -E 's/[[:space:]]+#.*$//' <<<"$line"
}
build_line=$(readme_line '# in a clone of this repository')
install_line=$(readme_line '# in your CDK app')

echo "== a fresh clone of $root"
git clone --quiet "$root" "$work/cdk-cross-account-sharing"
clone="$work/cdk-cross-account-sharing"
[ ! -e "$clone/assets" ] || { echo "the fresh clone already holds assets/: the check would prove nothing"; exit 1; }

echo "== in the clone, the README's line: $build_line"
(cd "$clone" && bash -euo pipefail -c "$build_line")

echo "== a new CDK app"
app="$work/app"
mkdir -p "$app"
cd "$app"
npm init -y >/dev/null
npm install --no-audit --no-fund --save-exact aws-cdk-lib constructs@10 >/dev/null
npm install --no-audit --no-fund --save-dev aws-cdk@2 >/dev/null
# The README's line names the tarball under /path/to/cdk-cross-account-sharing: the clone here.
install_here="${install_line//\/path\/to\/cdk-cross-account-sharing/$clone}"
echo "== in the app, the README's line: $install_here"
bash -euo pipefail -c "$install_here"

cat >app.js <<'EOF'
const { App, Stack } = require('aws-cdk-lib');
const { SharedWorkspaceImage } = require('cdk-cross-account-sharing');

const app = new App();
const stack = new Stack(app, 'UserInstallStack');
new SharedWorkspaceImage(stack, 'GoldenImage', { imageId: 'wsi-abc123def', accountIds: ['111122223333'] });
EOF
echo '{ "app": "node app.js" }' >cdk.json
echo "== cdk synth (aws-cdk-lib $(node -p "require('aws-cdk-lib/package.json').version"), CLI $(npx cdk --version 2>/dev/null))"
npx cdk synth --quiet --no-notices >/dev/null

# The handler's asset: the directory of the function's code, with the handler and its on-demand modules.
for file in index.js on-demand/hand-over.js on-demand/stack-traces.js; do
  ls cdk.out/asset.*/"$file" >/dev/null 2>&1 || { echo "cdk.out holds no asset with the handler's $file: the package ships no handler"; exit 1; }
done
echo "user install passed: the README's Install lines give a package whose app synthesizes with the handler's asset"
