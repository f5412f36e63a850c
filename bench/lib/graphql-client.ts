/** A minimal GraphQL-over-HTTP client for the benchmark's setup and checks (not for load). */

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function postGraphQL<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  return body;
}

/** Fails loudly when a setup query did not answer cleanly. */
export function expectNoErrors<T>(label: string, response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) {
    const first = response.errors?.[0];
    throw new Error(`${label}: GraphQL errors: ${first ? `${first.message} (${String(first.extensions?.code)})` : 'no data'}`);
  }
  return response.data;
}
