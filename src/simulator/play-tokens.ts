/**
 * requestPlayVoice tokens: 32 upper-case hex characters, valid for a fixed time from issue and
 * reusable until then (the docs do not say single-use, and a browser seeking needs several
 * requests with one token).
 */
import { randomBytes } from 'node:crypto';

interface Grant {
  fileName: string;
  expiresAt: number;
}

export class PlayTokens {
  private readonly grants = new Map<string, Grant>();

  constructor(private readonly ttlMs: number) {}

  issue(fileName: string, nowMs: number): string {
    this.purge(nowMs);
    const token = randomBytes(16).toString('hex').toUpperCase();
    this.grants.set(token, { fileName, expiresAt: nowMs + this.ttlMs });
    return token;
  }

  /** The file a live token grants, or undefined when unknown or expired. */
  resolve(token: string, nowMs: number): string | undefined {
    const grant = this.grants.get(token);
    if (!grant) return undefined;
    if (nowMs >= grant.expiresAt) {
      this.grants.delete(token);
      return undefined;
    }
    return grant.fileName;
  }

  private purge(nowMs: number): void {
    if (this.grants.size < 10_000) return;
    for (const [token, grant] of this.grants) if (nowMs >= grant.expiresAt) this.grants.delete(token);
  }
}
