/**
 * End-user JWT verification with jose: signature against the identity provider's JWKS (fetched,
 * cached and refreshed on an unknown `kid` by jose), issuer, audience, expiry. The token itself is
 * never logged; a refusal logs jose's error code only.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { AUTH_NOT_CONFIGURED, type CallerAuth } from './caller-auth.js';

/** Asymmetric algorithms only: a JWKS never holds the shared secret of an HMAC token. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export interface CallerAuthenticator {
  authenticate(authorizationHeader: string | undefined): Promise<CallerAuth>;
}

/** OAuth 2 `scope` (space-separated), or `scp` (an array or a string) as some providers send it. */
export function scopesOf(payload: JWTPayload): string[] {
  const scopes: string[] = [];
  for (const claim of [payload.scope, payload.scp]) {
    if (typeof claim === 'string') scopes.push(...claim.split(' ').filter(Boolean));
    else if (Array.isArray(claim)) scopes.push(...claim.filter((scope): scope is string => typeof scope === 'string'));
  }
  return scopes;
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(header);
  return match ? match[1] : undefined;
}

export function createCallerAuthenticator(
  config: JwtConfig | undefined,
  options: { logger: Logger; keys?: JWTVerifyGetKey },
): CallerAuthenticator {
  if (config === undefined) return { authenticate: async () => AUTH_NOT_CONFIGURED };
  const keys = options.keys ?? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 5000 });
  const { requiredScope } = config;

  return {
    async authenticate(header) {
      if (header === undefined || header.trim() === '') {
        return { status: 'unauthenticated', reason: 'missing_token', requiredScope };
      }
      const token = bearerToken(header);
      if (token === undefined) return { status: 'unauthenticated', reason: 'invalid_token', requiredScope };
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: ALGORITHMS,
          clockTolerance: 5,
          requiredClaims: ['sub', 'exp'],
        });
        return { status: 'authenticated', subject: payload.sub!, scopes: scopesOf(payload), requiredScope };
      } catch (error) {
        const code = error instanceof errors.JOSEError ? error.code : 'ERR_UNEXPECTED';
        // A JWKS that cannot be fetched is the operator's problem, not the caller's: say so louder.
        const level = error instanceof errors.JWKSTimeout || code === 'ERR_UNEXPECTED' ? 'warn' : 'info';
        options.logger[level]({ reason: code }, 'bearer token refused');
        return { status: 'unauthenticated', reason: 'invalid_token', requiredScope };
      }
    },
  };
}
