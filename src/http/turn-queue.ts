/**
 * GraphQL executions take turns with the rest of the event loop, first come first served. An
 * execution is a millisecond of JavaScript that nothing interrupts (Apollo's pipeline resolves its
 * promises among themselves); run as soon as their bodies arrive, the executions of a hundred
 * waiting requests hold the event loop for a hundred milliseconds at a stretch while downloads wait
 * for their next chunk and their upstream answers.
 *
 * So executions start in the check phase (setImmediate), a few per turn: each turn runs them until
 * it has taken TURN_BUDGET_MS (at least one, at most MAX_PER_TURN), then leaves the rest to the next
 * turn, after the I/O phase has moved every download's bytes and read (and queued) new requests.
 * Consecutive immediates scheduled together run in the same check phase with their microtasks
 * drained in between, so each slot sees how long the executions before it really took.
 */

/** How long one turn may run executions before the I/O phase gets its go. */
export const TURN_BUDGET_MS = 4;
/** Slots scheduled per turn (the budget usually ends the turn earlier). */
const MAX_PER_TURN = 16;

export interface TurnQueue {
  /** Runs `job` in a coming turn, after the jobs queued before it. */
  (job: () => void): void;
  /** Jobs waiting for a turn (for tests and diagnostics). */
  readonly waiting: number;
}

interface Turn {
  started: number | undefined;
  slots: number;
  over: boolean;
}

export function createTurnQueue(budgetMs = TURN_BUDGET_MS, now: () => number = () => performance.now()): TurnQueue {
  const jobs: Array<() => void> = [];
  let head = 0;
  /** The turn whose slots are scheduled and have not all run yet. */
  let pending: Turn | undefined;

  const waiting = () => jobs.length - head;

  const take = (): (() => void) | undefined => {
    if (head === jobs.length) return undefined;
    const job = jobs[head]!;
    head += 1;
    if (head === jobs.length) {
      jobs.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > jobs.length) {
      jobs.splice(0, head);
      head = 0;
    }
    return job;
  };

  const schedule = () => {
    const turn: Turn = { started: undefined, slots: 0, over: false };
    pending = turn;
    addSlots(turn);
  };

  /** Slots for the waiting jobs, up to MAX_PER_TURN in this turn. */
  const addSlots = (turn: Turn) => {
    while (turn.slots < Math.min(waiting(), MAX_PER_TURN)) {
      turn.slots += 1;
      setImmediate(() => slot(turn));
    }
  };

  const slot = (turn: Turn) => {
    turn.slots -= 1;
    if (pending === turn) pending = undefined; // the turn has begun: new arrivals wait for the next
    const at = now();
    turn.started ??= at;
    if (!turn.over && (at === turn.started || at - turn.started < budgetMs)) {
      take()?.();
    } else {
      turn.over = true;
    }
    // The last slot of a turn hands what is left to the next one.
    if (turn.slots === 0 && waiting() > 0 && pending === undefined) schedule();
  };

  const queue = (job: () => void) => {
    jobs.push(job);
    if (pending === undefined) schedule();
    else addSlots(pending);
  };
  Object.defineProperty(queue, 'waiting', { get: waiting });
  return queue as TurnQueue;
}
