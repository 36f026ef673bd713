import { describe, expect, it } from 'vitest';
import { commit, NodeGroupBusyError, WAIT, withNodeGroupState, type NodeGroupLock } from '../../../lambdas/scaler/node-group-lock';
import { emptyState, type NodeGroupState } from '../../../lambdas/scaler/state';
import { InMemoryNodeGroupStateStore } from '../../support/fakes/node-group-state';

const bumped = (state: NodeGroupState, backoffUntil: number): NodeGroupState => ({ ...state, version: state.version + 1, backoffUntil });

function lock(attempts = 3): NodeGroupLock & { store: InMemoryNodeGroupStateStore; waits: number[] } {
  const waits: number[] = [];
  return { store: new InMemoryNodeGroupStateStore(), attempts, backoff: async (attempt) => void waits.push(attempt), waits };
}

describe('withNodeGroupState', () => {
  it('writes what the decision says and then runs what follows it', async () => {
    const l = lock();
    const result = await withNodeGroupState(l, 'g', async (state) => commit(bumped(state, 7), async () => 'done'), { busy: 'busy' });
    expect(result).toBe('done');
    expect((await l.store.get('g')).backoffUntil).toBe(7);
  });

  it('reads again and decides again when another writer won, without running what follows the lost write', async () => {
    const l = lock();
    const after: number[] = [];
    const seen: number[] = [];
    const result = await withNodeGroupState(
      l,
      'g',
      async (state, attempt) => {
        seen.push(state.version);
        // Someone else writes between our read and our write, on the first attempt only.
        if (attempt === 1) await l.store.put('g', bumped(state, 1), state.version);
        return commit(bumped(state, 100 + attempt), async () => void after.push(attempt));
      },
      { busy: 'busy' },
    );
    expect(result).toBeUndefined();
    expect(seen).toEqual([0, 1]);
    expect(after).toEqual([2]);
    expect(await l.store.get('g')).toMatchObject({ version: 2, backoffUntil: 102 });
  });

  it('backs off and reads again while the decision says to wait', async () => {
    const l = lock();
    const result = await withNodeGroupState(l, 'g', async (_state, attempt) => (attempt < 3 ? WAIT : commit(undefined, async () => attempt)), { busy: 'busy' });
    expect(result).toBe(3);
    expect(l.waits).toEqual([1, 2]);
  });

  it('throws NodeGroupBusyError with the message given when every attempt conflicted', async () => {
    const l = lock(4);
    let reads = 0;
    const always = withNodeGroupState(
      l,
      'g',
      async (state) => {
        reads += 1;
        await l.store.put('g', bumped(state, reads), state.version);
        return commit(bumped(state, 0), async () => 'never');
      },
      { busy: 'node group "g" stayed busy' },
    );
    await expect(always).rejects.toThrow(new NodeGroupBusyError('node group "g" stayed busy'));
    expect(reads).toBe(4);
  });

  it('decides first on a state already in hand, without reading it', async () => {
    const l = lock();
    const initial = { ...emptyState(), backoffUntil: 42 };
    const seen: (number | undefined)[] = [];
    await withNodeGroupState(l, 'g', async (state) => (seen.push(state.backoffUntil), commit(undefined, async () => {})), { busy: 'busy', initial });
    expect(seen).toEqual([42]);
  });
});
