/**
 * The README's example queries, run as written against the simulator's samples (what `npm start`
 * serves): each answers, and what the README says about an answer is what comes back.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { onServer } from '../support/graphql-client.js';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';

interface Example {
  query: string;
  /** The comment lines above the query and below it (what the answer holds). */
  notes: string;
}

function readmeExamples(): Example[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /## Example queries[\s\S]*?```graphql\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README: no graphql block under "## Example queries"');
  const examples: Example[] = [];
  let comments: string[] = [];
  let current: Example | undefined;
  // Examples are separated by blank lines: comments, the query, then notes on its answer.
  for (const line of block.split('\n')) {
    if (line.trim() === '') {
      current = undefined;
      comments = [];
    } else if (line.startsWith('#')) {
      if (current) current.notes += `\n${line}`;
      else comments.push(line);
    } else if (line.startsWith('{')) {
      current = { query: line, notes: comments.join('\n') };
      examples.push(current);
      comments = [];
    } else if (current) {
      current.query += `\n${line}`;
    }
  }
  return examples;
}

const examples = readmeExamples();
let h: Subgraph;

beforeAll(async () => {
  h = await startSubgraph();
});
afterAll(() => h.close());

describe('README example queries', () => {
  it('are all found', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  it.each(examples.map((example) => [example.notes.split('\n')[0] ?? '', example] as const))('%s', async (_title, example) => {
    const answer = await h.query(example.query);
    expect(answer.status).toBe(200);
    expect(answer.data).not.toBeNull();
    const statedPath = /path (\[[^\]]*\])/.exec(example.notes)?.[1];
    if (statedPath === undefined) {
      expect(answer.errors).toBeUndefined();
      return;
    }
    // An example that states an error: exactly that error, at that path, with that code; the
    // object holding the field is present and only the field is null.
    const path = JSON.parse(statedPath) as Array<string | number>;
    const code = /code: "([A-Z_]+)"/.exec(example.notes)?.[1];
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors?.[0]).toMatchObject({ path, extensions: { code } });
    let holder: unknown = answer.data;
    for (const key of path.slice(0, -1)) holder = (holder as Record<string | number, unknown>)[key];
    expect(holder).toEqual(expect.objectContaining({ [path[path.length - 1] as string]: null }));
  });

  it('saves a call with several recordings under the .zip name the README gives', async () => {
    const example = examples.find((candidate) => candidate.query.includes('recordingsDownload') && candidate.query.includes('gatewayVideo'));
    const savedAs = example && /saved as (\S+\.zip)/.exec(example.notes)?.[1];
    expect(savedAs).toBeDefined();
    const answer = await h.query<{ call: { recordingsDownload: { url: string } } }>(example!.query);
    const response = await fetch(onServer(answer.data!.call.recordingsDownload.url, h.server.url));
    await response.arrayBuffer();
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toContain(`filename="${savedAs}"`);
  });
});
