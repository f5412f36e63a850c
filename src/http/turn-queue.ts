/**
 * GraphQL executions take turns with the rest of the event loop, first come first served. An
 * execution is a millisecond of JavaScript that nothing interrupts (Apollo's pipeline resolves its
 * promises among themselves); run as soon as their bodies arrive, the executions of a hundred
 * waiting requests hold the event loop for a hundred milliseconds at a stretch while downloads wait
 * for their next chunk and their upstream answers.
 *
 * So executions start in the check phase (setImmediate), a few per turn: each turn runs them until
 * its budget is used (at least one, at most MAX_PER_TURN), then leaves the rest to the next turn,
 * after the I/O phase has moved every download's bytes and read (and queued) new requests. The
 * budget is TURN_BUDGET_MS, or, while executions are waiting, as long as the rest of the loop took
 * since the last turn (up to MAX_TURN_BUDGET_MS): under saturation GraphQL and the I/O it shares the
 * loop with get about half each, and neither side waits behind the other's whole backlog.
 * Consecutive immediates scheduled together run in the same check phase with their microtasks
 * drained in between, so each slot sees how long the executions before it really took.
 */

/** How long one turn may run executions before the I/O phase gets its go (when nothing else is busy). */
export const TURN_BUDGET_MS = 4;
/** The longest turn, however long the rest of the loop takes. */
export const MAX_TURN_BUDGET_MS = 50;
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
  budget: number;
  slots: number;
  over: boolean;
}

export function createTurnQueue(budgetMs = TURN_BUDGET_MS, now: () => number = () => performance.now()): TurnQueue {
  const jobs: Array<() => void> = [];
  let head = 0;
  /** The turn whose slots are scheduled and have not all run yet. */
  let pending: Turn | undefined;
  /** When the last slot ran, and whether its turn left executions waiting. */
  let lastSlotAt: number | undefined;
  let backlogged = false;

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
    const turn: Turn = { started: undefined, budget: budgetMs, slots: 0, over: false };
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
    if (turn.started === undefined) {
      turn.started = at;
      // Executions left waiting by the last turn: this one may run as long as the rest of the loop did.
      if (backlogged && lastSlotAt !== undefined) turn.budget = Math.min(MAX_TURN_BUDGET_MS, Math.max(budgetMs, at - lastSlotAt));
    }
    if (!turn.over && (at === turn.started || at - turn.started < turn.budget)) {
      take()?.();
    } else {
      turn.over = true;
    }
    lastSlotAt = at;
    if (turn.slots === 0) {
      // The last slot of a turn hands what is left to the next one.
      backlogged = waiting() > 0;
      if (backlogged && pending === undefined) schedule();
    }
  };

  const queue = (job: () => void) => {
    jobs.push(job);
    if (pending === undefined) schedule();
    else addSlots(pending);
  };
  Object.defineProperty(queue, 'waiting', { get: waiting });
  return queue as TurnQueue;
}
