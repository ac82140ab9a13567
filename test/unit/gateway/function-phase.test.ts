import { describe, expect, it } from 'vitest';
import { functionPhase } from '../../../gateway/core/function-phase.js';

const failure = { reason: 'exited with code 1 during start', logTail: 'Traceback', at: new Date(0) };

describe('functionPhase', () => {
  it('names each phase the UI shows', () => {
    expect(functionPhase({ desired: 0, ready: 0 }, { starting: false })).toEqual({ phase: 'asleep' });
    expect(functionPhase({ desired: 0, ready: 0 }, { starting: true })).toEqual({ phase: 'waking' });
    expect(functionPhase({ desired: 1, ready: 0 }, { starting: false })).toEqual({ phase: 'waking' });
    expect(functionPhase({ desired: 1, ready: 1 }, { starting: false })).toEqual({ phase: 'ready' });
    expect(functionPhase({ desired: 1, ready: 0 }, { starting: false, failure })).toEqual({ phase: 'failing', reason: failure.reason, logTail: 'Traceback' });
  });

  it('calls a function ready while one instance serves, and waking while a retry after a failure runs', () => {
    expect(functionPhase({ desired: 2, ready: 1 }, { starting: false, failure })).toEqual({ phase: 'ready' });
    expect(functionPhase({ desired: 1, ready: 0 }, { starting: true, failure })).toEqual({ phase: 'waking' });
  });
});
