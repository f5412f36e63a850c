/**
 * Every reference a reader meets must be one they can follow: no pointers to notes outside the
 * repository, and every `docs/cc-platform.md §N` names a section that exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['src', 'schema', 'test', 'bench', 'scripts', 'docs', 'README.md'];
const SKIPPED = new Set(['generated', 'assets', 'node_modules', 'tmp', 'fixtures']);
const TEXT = /\.(ts|mjs|js|md|graphql|sh|json|yml|yaml)$/;

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return TEXT.test(path) ? [path] : [];
  return readdirSync(path)
    .filter((name) => !SKIPPED.has(name))
    .flatMap((name) => files(join(path, name)));
}

const sources = SCANNED.flatMap((entry) => files(join(ROOT, entry))).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));

describe('references', () => {
  it('never point at the notes outside the repository', () => {
    // Built from parts so that this file does not match itself.
    const outside = new RegExp(['cc-api' + '-notes', '\\.\\./' + 'shared', '/work/' + 'shared'].join('|'));
    expect(sources.filter((source) => outside.test(source.text)).map((source) => source.path)).toEqual([]);
  });

  it('name sections of docs/cc-platform.md that exist', () => {
    const page = readFileSync(join(ROOT, 'docs/cc-platform.md'), 'utf8');
    const sections = new Set([...page.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((match) => match[1]));
    expect(sections.size).toBeGreaterThan(20);
    const dangling: string[] = [];
    for (const source of sources) {
      // "cc-platform.md §3–§5, §8.2", "cc-platform §2.2", "docs/cc-platform.md, section 8.3"
      for (const match of source.text.matchAll(/cc-platform(?:\.md)?,? (?:§|section )([\d.§–, ]+)/g)) {
        for (const number of match[1]!.match(/\d+(?:\.\d+)?/g) ?? []) {
          if (!sections.has(number)) dangling.push(`${source.path}: §${number}`);
        }
      }
    }
    expect(dangling).toEqual([]);
  });
});
