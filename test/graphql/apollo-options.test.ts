/**
 * Apollo Studio as Apollo documents it for subgraphs: no usage reporting from the subgraph (the
 * router reports the ftv1 traces it collects), and the landing page chosen by configuration.
 */
import { describe, expect, it } from '@jest/globals';
import type { ApolloServerPlugin } from '@apollo/server';
import { loadConfig, type Env } from '../../src/config.js';
import { apolloOperationalOptions, landingPageFor } from '../../src/graphql/apollo-options.js';

/** Apollo's built-in plugins name themselves with an internal id. */
function internalIds(plugins: ApolloServerPlugin[]): Array<[string, boolean]> {
  return plugins.map((plugin) => {
    const tagged = plugin as { __internal_plugin_id__?: string; __is_disabled_plugin__?: boolean };
    return [tagged.__internal_plugin_id__ ?? 'custom', tagged.__is_disabled_plugin__ ?? false];
  });
}

const options = (env: Env) => apolloOperationalOptions(loadConfig(env));

/** Production needs a CC platform (the simulator never serves it). */
const PLATFORM: Env = {
  CCFS_BASE_URL: 'https://10.1.2.3:28090',
  CCFS_AK: 'ak',
  CCFS_SK: 'sk',
  MEDIA_LINK_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

describe('apolloOperationalOptions', () => {
  it('switches usage reporting off explicitly (the router reports) and leaves no signal handlers to Apollo', () => {
    const operational = options({ ...PLATFORM, NODE_ENV: 'production', APOLLO_GRAPH_REF: 'cc-supergraph@production' });
    expect(internalIds(operational.plugins)).toContainEqual(['UsageReporting', true]);
    // The inline-trace plugin (ftv1) is src/graphql's; installing a second one would trace twice.
    expect(internalIds(operational.plugins).map(([id]) => id)).not.toContain('InlineTrace');
    expect(operational.stopOnTerminationSignals).toBe(false);
    expect(operational.includeStacktraceInErrorResponses).toBe(false);
  });

  it.each<[Env, ReturnType<typeof landingPageFor>, boolean]>([
    [{}, 'sandbox', true],
    [{ ...PLATFORM, NODE_ENV: 'production' }, 'disabled', false],
    [{ ...PLATFORM, NODE_ENV: 'production', APOLLO_GRAPH_REF: 'cc-supergraph@production' }, 'explorer', false],
    [{ ...PLATFORM, NODE_ENV: 'production', GRAPHQL_SANDBOX: 'true', GRAPHQL_INTROSPECTION: 'true' }, 'sandbox', true],
  ])('chooses the landing page and introspection for %p', (env, landingPage, introspection) => {
    const config = loadConfig(env);
    expect(landingPageFor(config)).toBe(landingPage);
    expect(apolloOperationalOptions(config).introspection).toBe(introspection);
    const ids = internalIds(apolloOperationalOptions(config).plugins).map(([id]) => id);
    expect(ids).toContain(landingPage === 'disabled' ? 'LandingPageDisabled' : 'custom');
  });
});
