/**
 * The operational part of the Apollo Server options: introspection, the landing page, stack traces,
 * the depth limit, and Apollo Studio as Apollo documents it for subgraphs:
 *
 * - Usage: a subgraph does not report usage itself. The router asks each subgraph for an inline
 *   trace (`apollo-federation-include-trace: ftv1`) and reports the combined traces to GraphOS,
 *   so the inline-trace plugin stays on (src/graphql installs it; errors masked) and usage
 *   reporting is switched off here explicitly, even when APOLLO_KEY is in the environment.
 * - Schema: schema reporting does not support subgraphs; the schema is published with
 *   `rover subgraph publish` (README) and the router composes the supergraph.
 * - Landing page: in production with APOLLO_GRAPH_REF, Studio Explorer embedded for that graph ref.
 *   Both Sandbox and Explorer load from Apollo's CDN; offline, Apollo's page says only that they
 *   cannot load, so its fallback text is extended with how to query this endpoint without them.
 *
 * Shutdown belongs to main.ts (SHUTDOWN_GRACE_SECONDS): Apollo must not install its own SIGTERM
 * handler, which would drain with its own deadline and re-raise the signal.
 */
import type { ApolloServerPlugin, LandingPage as ApolloLandingPage } from '@apollo/server';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { ValidationRule } from 'graphql';
import type { Config } from '../config.js';
import { depthLimitRule } from './depth-limit.js';

/** Spread into the ApolloServer constructor (its own plugins added to `plugins`). */
export interface ApolloOperationalOptions {
  introspection: boolean;
  stopOnTerminationSignals: false;
  includeStacktraceInErrorResponses: false;
  /** No "Did you mean …?" schema hints in production errors. */
  hideSchemaDetailsFromClientErrors: boolean;
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin[];
}

export type LandingPage = 'sandbox' | 'explorer' | 'disabled';

export function landingPageFor(config: Pick<Config, 'graphql' | 'apolloGraphRef'>): LandingPage {
  if (config.graphql.sandbox) return 'sandbox';
  return config.apolloGraphRef === undefined ? 'disabled' : 'explorer';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Shown with Apollo's "cannot be loaded" text (it fades in only when Sandbox or Explorer did not load). */
export function offlineHelpHtml(graphqlUrl: string): string {
  const curl = `curl -s ${graphqlUrl} -H 'content-type: application/json' -d '{"query":"{ _service { sdl } }"}'`;
  return `
  <div class="cc-offline-help">
    <p>This page needs Apollo's CDN. Without it, query this endpoint directly, for example with curl:</p>
    <pre><code>${escapeHtml(curl)}</code></pre>
    <p>or, when online, open Apollo Studio's Sandbox at https://studio.apollographql.com/sandbox/explorer and
    connect it to ${escapeHtml(graphqlUrl)}. The README's "Example queries" hold queries for the sample ids.</p>
  </div>`;
}

/** Apollo's landing page plugin, with `help` added inside its offline fallback block. */
function withOfflineHelp(plugin: ApolloServerPlugin, help: string): ApolloServerPlugin {
  const addHelp = (html: string): string => html.replace(/<div class="fallback">[\s\S]*?<\/p>/, (fallback) => fallback + help);
  return {
    ...plugin,
    async serverWillStart(service) {
      const listener = await plugin.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!listener || !render) return listener;
      return {
        ...listener,
        async renderLandingPage(): Promise<ApolloLandingPage> {
          const page = await render.call(listener);
          const html = page.html;
          return { html: typeof html === 'string' ? addHelp(html) : async () => addHelp(await html()) };
        },
      };
    },
  };
}

function landingPagePlugin(config: Pick<Config, 'graphql' | 'apolloGraphRef' | 'publicBaseUrl'>): ApolloServerPlugin {
  const help = offlineHelpHtml(`${config.publicBaseUrl}/graphql`);
  switch (landingPageFor(config)) {
    case 'sandbox':
      return withOfflineHelp(ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }), help);
    case 'explorer':
      return withOfflineHelp(
        ApolloServerPluginLandingPageProductionDefault({ graphRef: config.apolloGraphRef!, embed: true, footer: false }),
        help,
      );
    case 'disabled':
      return ApolloServerPluginLandingPageDisabled();
  }
}

export function apolloOperationalOptions(
  config: Pick<Config, 'graphql' | 'apolloGraphRef' | 'nodeEnv' | 'publicBaseUrl'>,
): ApolloOperationalOptions {
  const production = config.nodeEnv === 'production';
  return {
    introspection: config.graphql.introspection,
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    validationRules: [depthLimitRule(config.graphql.maxDepth)],
    plugins: [landingPagePlugin(config), ApolloServerPluginUsageReportingDisabled()],
  };
}
