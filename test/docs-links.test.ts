/**
 * Every link of README.md and docs/*.md that points into this repository resolves: a relative
 * link (`docs/scale.md`, `../README.md#install`, `#the-provider`) and a repository-absolute one
 * (`<repository URL>/blob/main/test/support/local-endpoint.ts`, the form the README uses so that
 * its links work on the package's registry page) name a file or folder of the tree and, for a
 * Markdown file, a heading whose anchor GitHub generates. Links to other sites are not fetched.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** The repository's URL as package.json names it, without `.git`: absolute links start with it. */
function repositoryUrl(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const url: string = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository.url;
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** The Markdown files whose links are checked: the README and every file of docs/. */
export function documentationFiles(root = ROOT): string[] {
  const docs = fs.existsSync(path.join(root, 'docs'))
    ? fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)
    : [];
  return ['README.md', ...docs.sort()];
}

/** The text of a Markdown file without its fenced code blocks and inline code (links there are not links). */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const text = match[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link in a heading keeps its text
      .replace(/<[^>]+>/g, '');
    const base = text.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The targets of a Markdown file's links: inline links and images, and reference definitions. */
export function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const targets: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]);
  for (const m of text.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) targets.push(m[1]);
  return targets;
}

/**
 * What is wrong with each link of `file` (relative to `root`) that points into the repository:
 * an empty list when every one resolves.
 */
export function brokenLinks(file: string, root = ROOT, repository = repositoryUrl()): string[] {
  const markdown = fs.readFileSync(path.join(root, file), 'utf8');
  const problems: string[] = [];
  for (const target of linkTargets(markdown)) {
    let repoPath: string; // relative to the root, '' for the file itself
    let anchor: string | undefined;
    const [beforeHash, hash] = target.split('#', 2) as [string, string | undefined];
    anchor = hash;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      if (!target.startsWith(repository + '/') && target !== repository) continue; // another site
      const rest = beforeHash.slice(repository.length);
      const m = rest.match(/^\/(?:blob|tree)\/[^/]+\/(.*)$/);
      if (rest === '' || rest === '/') {
        repoPath = 'README.md';
      } else if (!m) {
        problems.push(`${file}: ${target}: a repository link that names no file (expected ${repository}/blob/main/<path>)`);
        continue;
      } else {
        repoPath = decodeURIComponent(m[1]);
      }
    } else if (beforeHash === '') {
      repoPath = file;
    } else {
      repoPath = path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(beforeHash)));
    }
    repoPath = repoPath.replace(/\/$/, '');
    if (repoPath.startsWith('..')) {
      problems.push(`${file}: ${target}: points outside the repository`);
      continue;
    }
    const full = path.join(root, repoPath);
    if (!fs.existsSync(full)) {
      problems.push(`${file}: ${target}: no file or folder ${repoPath}`);
      continue;
    }
    if (anchor !== undefined && anchor !== '' && repoPath.endsWith('.md')) {
      const anchors = headingAnchors(fs.readFileSync(full, 'utf8'));
      if (!anchors.has(anchor)) {
        problems.push(`${file}: ${target}: no heading with the anchor #${anchor} in ${repoPath}`);
      }
    } else if (anchor !== undefined && anchor !== '' && !/^L\d+(-L\d+)?$/.test(anchor)) {
      problems.push(`${file}: ${target}: an anchor in a file that has no headings (${repoPath})`);
    }
  }
  return problems;
}

describe('documentation links', () => {
  test.each(documentationFiles())('every link of %s into the repository resolves', file => {
    expect(brokenLinks(file)).toEqual([]);
  });

  test('the README links to every file of docs/', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const linked = new Set(linkTargets(readme)
      .map(t => t.replace(repositoryUrl() + '/blob/main/', '').split('#')[0]));
    const unlinked = documentationFiles().filter(f => f.startsWith('docs/') && !linked.has(f));
    expect(unlinked).toEqual([]);
  });

  test('the README stays short: at most 500 lines, with a table of contents', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(500);
    expect(readme).toMatch(/^## Contents$/m);
  });

  describe('the check itself', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-links-'));
    const repository = 'https://github.com/example/repo';
    fs.mkdirSync(path.join(dir, 'docs'));
    fs.writeFileSync(path.join(dir, 'docs', 'a.md'), '# A\n\n## The `one` section: here\n\n## Twice\n\n## Twice\n');
    fs.writeFileSync(path.join(dir, 'code.ts'), '');
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const check = (markdown: string) => {
      fs.writeFileSync(path.join(dir, 'README.md'), markdown);
      return brokenLinks('README.md', dir, repository);
    };

    test('accepts links that resolve', () => {
      expect(check([
        '# Top', '',
        '[a](docs/a.md) [b](docs/a.md#the-one-section-here) [c](#top) [d](docs/a.md#twice-1)',
        `[e](${repository}/blob/main/code.ts) [f](${repository}/blob/main/docs/a.md#twice) [g](${repository}/tree/main/docs/)`,
        '[h](https://example.com/missing.md) `[i](missing.md)`',
        '```md', '[j](missing.md)', '```',
      ].join('\n'))).toEqual([]);
    });

    test.each([
      ['a missing file', '[x](docs/missing.md)'],
      ['a missing anchor', '[x](docs/a.md#nowhere)'],
      ['a missing anchor of the file itself', '# Top\n[x](#nowhere)'],
      ['a repeated heading counted once too many', '[x](docs/a.md#twice-2)'],
      ['a missing repository file', `[x](${repository}/blob/main/docs/missing.md)`],
      ['a missing repository anchor', `[x](${repository}/blob/main/docs/a.md#nowhere)`],
      ['a repository link without a path', `[x](${repository}/issues)`],
      ['a reference definition', '[x]: docs/missing.md'],
    ])('reports %s', (_what, markdown) => {
      expect(check(markdown)).toHaveLength(1);
    });
  });
});
