/**
 * GraphQL executions take turns with the event loop's I/O (src/http/turn-queue.ts): in arrival
 * order, a turn runs them until its time budget is used (at least one), and what is left waits for
 * the next turn of the loop. A fake clock stands in for the time each job takes.
 */
import { describe, expect, it } from '@jest/globals';
import { createTurnQueue } from '../../src/http/turn-queue.js';

/** Counts turns of the event loop: one increment per check phase, for as long as it runs. */
function loopTurns(): { readonly count: number; stop(): void } {
  let count = 0;
  let running = true;
  const tick = () => {
    count += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get count() {
      return count;
    },
    stop() {
      running = false;
    },
  };
}

describe('turn queue', () => {
  it('runs jobs in arrival order, a budget of them per turn of the event loop', async () => {
    let clock = 0;
    const queue = createTurnQueue(4, () => clock);
    const turns = loopTurns();
    const ran: Array<{ job: number; turn: number }> = [];
    await new Promise<void>((done) => {
      for (let job = 1; job <= 7; job += 1) {
        queue(() => {
          ran.push({ job, turn: turns.count });
          clock += 3; // each job "takes" 3 ms: two fit in a 4 ms turn
          if (job === 7) done();
        });
      }
    });
    turns.stop();
    expect(ran.map((r) => r.job)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const perTurn = new Map<number, number>();
    for (const r of ran) perTurn.set(r.turn, (perTurn.get(r.turn) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([2, 2, 2, 1]);
    expect(queue.waiting).toBe(0);
  });

  it('runs at least one job per turn, however long it takes', async () => {
    let clock = 0;
    const queue = createTurnQueue(4, () => clock);
    const turns = loopTurns();
    const seen: number[] = [];
    await new Promise<void>((done) => {
      for (let job = 1; job <= 3; job += 1) {
        queue(() => {
          seen.push(turns.count);
          clock += 50;
          if (job === 3) done();
        });
      }
    });
    turns.stop();
    expect(new Set(seen).size).toBe(3);
  });

  it('lets jobs that arrive during a turn wait for a later one, behind those already waiting', async () => {
    let clock = 0;
    const queue = createTurnQueue(4, () => clock);
    const order: string[] = [];
    await new Promise<void>((done) => {
      queue(() => {
        order.push('a');
        clock += 10;
        // Arrives while the turn runs (as a request read by a callback would, in the next I/O phase).
        setTimeout(() => queue(() => {
          order.push('late');
          done();
        }), 0);
      });
      queue(() => order.push('b'));
    });
    expect(order).toEqual(['a', 'b', 'late']);
  });

  it('gives a backlog as much of the loop as the rest of the loop took (about half each)', async () => {
    let clock = 0;
    const queue = createTurnQueue(4, () => clock);
    // The other work of each turn of the loop (downloads' I/O): 20 ms of it before each turn.
    let busy = true;
    const otherWork = () => {
      clock += 20;
      if (busy) setImmediate(otherWork);
    };
    setImmediate(otherWork);
    const turns = loopTurns();
    const seen: number[] = [];
    await new Promise<void>((done) => {
      for (let job = 1; job <= 20; job += 1) {
        queue(() => {
          seen.push(turns.count);
          clock += 3;
          if (job === 20) done();
        });
      }
    });
    busy = false;
    turns.stop();
    const perTurn = new Map<number, number>();
    for (const turn of seen) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    // The first turn knows of no backlog (4 ms: two jobs); then 20 ms each: seven jobs.
    expect([...perTurn.values()]).toEqual([2, 7, 7, 4]);
  });
});
