import * as fs from 'fs';
import * as path from 'path';
import { checkReadme, compareTemplate, normalizeTemplate } from './languages/compare';

// test:languages (test/languages/run.ts) compares each language's templates with the TypeScript
// app's through these: they must see every difference but the normalized ones.

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function template(overrides: { hash?: string; imageId?: string; analytics?: string; extra?: Record<string, unknown> } = {}) {
  return {
    Resources: {
      CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: overrides.analytics ?? 'v2:deflate64:typescript' } },
      Handler: {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'cdk-hnb659fds-assets-111111111111-eu-west-1', S3Key: `${overrides.hash ?? HASH_A}.zip` }, Runtime: 'nodejs24.x' },
        Metadata: { 'aws:cdk:path': 'OwnerStack/Handler/Resource', 'aws:asset:path': `asset.${overrides.hash ?? HASH_A}`, 'aws:asset:property': 'Code' },
      },
      Image: { Type: 'Custom::SharedWorkspaceImage', Properties: { ImageId: overrides.imageId ?? 'wsi-abc123def', AccountIds: ['222222222222'] } },
      ...overrides.extra,
    },
    Conditions: { CDKMetadataAvailable: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
  };
}

describe('template comparison of test:languages', () => {
  test('equal templates have no difference', () => {
    expect(compareTemplate(template(), template())).toEqual([]);
  });

  test('asset hashes and the CDK metadata are set aside', () => {
    expect(compareTemplate(template(), template({ hash: HASH_B, analytics: 'v2:deflate64:python' }))).toEqual([]);
    const normalized = normalizeTemplate(template()) as any;
    expect(normalized.Resources.CDKMetadata).toBeUndefined();
    expect(normalized.Conditions).toBeUndefined();
    expect(normalized.Resources.Handler.Properties.Code.S3Key).toBe('<asset-hash>.zip');
  });

  test('a property that differs is reported with both values', () => {
    expect(compareTemplate(template(), template({ imageId: 'wsi-other' }))).toEqual([
      '.Resources.Image.Properties.ImageId: "wsi-other" where TypeScript has "wsi-abc123def"',
    ]);
  });

  test('a resource missing or extra, or a logical ID renamed, is reported', () => {
    const renamed = template();
    (renamed.Resources as any).Image2 = renamed.Resources.Image;
    delete (renamed.Resources as any).Image;
    expect(compareTemplate(template(), renamed)).toEqual([
      expect.stringMatching(/^\.Resources\.Image: missing/),
      expect.stringMatching(/^\.Resources\.Image2: extra/),
    ]);
    expect(compareTemplate(template(), template({ extra: { Other: { Type: 'AWS::SNS::Topic' } } }))).toEqual([
      expect.stringMatching(/^\.Resources\.Other: extra/),
    ]);
  });

  test('a type that differs, or a hash outside the asset properties, is reported', () => {
    const retyped = template();
    (retyped.Resources.Image as any).Type = 'Custom::Other';
    expect(compareTemplate(template(), retyped)).toHaveLength(1);
    expect(compareTemplate(template({ imageId: HASH_A }), template({ imageId: HASH_B }))).toHaveLength(1);
  });
});

describe('README language check of test:languages', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  test('the TypeScript README is no Python, Java or Go README', () => {
    for (const language of ['python', 'java', 'go'] as const) expect(checkReadme(language, readme)).toBeDefined();
  });

  test('translated examples pass; a TypeScript one left in a block fails', () => {
    const python = '```python\nfrom cdk_cross_account_sharing import SharedWorkspaceImage\n\nSharedWorkspaceImage(stack, "Img", image_id="wsi-1")\n```\n';
    expect(checkReadme('python', python)).toBeUndefined();
    expect(checkReadme('python', `${python}\`\`\`python\nconst img = new SharedWorkspaceImage(stack, 'Img', { imageId: 'wsi-1' });\n\`\`\`\n`)).toMatch(/holds TypeScript/);
    expect(checkReadme('python', `${python}\`\`\`ts\nnew SharedWorkspaceImage(stack, 'Img', { imageId: 'wsi-1' });\n\`\`\`\n`)).toMatch(/TypeScript block/);
    const java = ' * <blockquote><pre>\n * SharedWorkspaceImage.Builder.create(stack, "Img").imageId("wsi-1").build();\n * </pre></blockquote>\n';
    expect(checkReadme('java', java)).toBeUndefined();
    const go = '```go\nimg := cdkcrossaccountsharing.NewSharedWorkspaceImage(stack, jsii.String("Img"), nil)\n```\n';
    expect(checkReadme('go', go)).toBeUndefined();
    expect(checkReadme('go', python)).toMatch(/no go example/);
  });
});

test('a block the README keeps in its own language (shell, JavaScript) is no TypeScript left', () => {
  const source = "```js\nimport { App } from 'aws-cdk-lib';\nconst app = new App();\n```\n";
  const java = ' * <pre>\n * SharedWorkspaceImage.Builder.create(stack, "Img").build();\n * </pre>\n * <pre>\n * import { App } from \'aws-cdk-lib\';\n * const app = new App();\n * </pre>\n';
  expect(checkReadme('java', java)).toMatch(/holds TypeScript/);
  expect(checkReadme('java', java, source)).toBeUndefined();
});
