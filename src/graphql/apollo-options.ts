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
 *
 * Shutdown belongs to main.ts (SHUTDOWN_GRACE_SECONDS): Apollo must not install its own SIGTERM
 * handler, which would drain with its own deadline and re-raise the signal.
 */
import type { ApolloServerPlugin } from '@apollo/server';
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

function landingPagePlugin(config: Pick<Config, 'graphql' | 'apolloGraphRef'>): ApolloServerPlugin {
  switch (landingPageFor(config)) {
    case 'sandbox':
      return ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false });
    case 'explorer':
      return ApolloServerPluginLandingPageProductionDefault({ graphRef: config.apolloGraphRef!, embed: true, footer: false });
    case 'disabled':
      return ApolloServerPluginLandingPageDisabled();
  }
}

export function apolloOperationalOptions(
  config: Pick<Config, 'graphql' | 'apolloGraphRef' | 'nodeEnv'>,
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
