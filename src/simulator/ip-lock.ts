/**
 * CC-FS locks an IP that sent too many bad auth strings (HTTP 403 "IP locked", docs/cc-platform.md §2.4).
 * The documented behaviour has no numbers; ours: more than `limit` failures within `windowMs`
 * locks the IP for `lockMs` (defaults 20 / 60 s / 60 s).
 */
export interface IpLockOptions {
  limit: number;
  windowMs: number;
  lockMs: number;
}

export class IpLock {
  private readonly failures = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(private readonly options: IpLockOptions) {}

  isLocked(ip: string, nowMs: number): boolean {
    const until = this.lockedUntil.get(ip);
    if (until === undefined) return false;
    if (nowMs < until) return true;
    this.lockedUntil.delete(ip);
    return false;
  }

  /** Records a failure; true when this one locks the IP. */
  recordFailure(ip: string, nowMs: number): boolean {
    const recent = (this.failures.get(ip) ?? []).filter((at) => nowMs - at < this.options.windowMs);
    recent.push(nowMs);
    this.failures.set(ip, recent);
    if (recent.length > this.options.limit) {
      this.lockedUntil.set(ip, nowMs + this.options.lockMs);
      this.failures.delete(ip);
      return true;
    }
    return false;
  }

  reset(): void {
    this.failures.clear();
    this.lockedUntil.clear();
  }
}
