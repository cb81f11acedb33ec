import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../src/core/mailbox';

describe('Mailbox', () => {
  it('an event dispatched during a step waits until that step has finished', () => {
    const log: string[] = [];
    const box: Mailbox<string> = new Mailbox((event) => {
      log.push(`start ${event}`);
      if (event === 'a') box.dispatch('b');
      log.push(`end ${event}`);
    });
    box.dispatch('a');
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(box.running).toBe(false);
  });

  it('deferred tasks run after every event, one at a time, each task’s events applied before the next task', () => {
    const log: string[] = [];
    const box: Mailbox<string> = new Mailbox(
      (event) => {
        log.push(`step ${event}`);
        if (event === 'a') {
          box.defer(() => {
            log.push('task 1');
            box.dispatch('c');
          });
          box.defer(() => log.push('task 2'));
          box.dispatch('b');
        }
      },
      () => log.push('settled'),
    );
    box.dispatch('a');
    expect(log).toEqual([
      'step a',
      'step b',
      'settled',
      'task 1',
      'step c',
      'settled',
      'task 2',
      'settled',
    ]);
  });

  it('settle() applies what a task issued at once: a listener’s command before the next listener', () => {
    const log: string[] = [];
    const box: Mailbox<string> = new Mailbox((event) => log.push(`step ${event}`));
    box.defer(() => {
      box.dispatch('from listener 1');
      box.settle();
      log.push('listener 2');
    });
    expect(log).toEqual(['step from listener 1', 'listener 2']);
  });

  it('atomically(): events and tasks the operation causes run after it, and it returns its result', () => {
    const log: string[] = [];
    const box: Mailbox<string> = new Mailbox((event) => log.push(`step ${event}`));
    const result = box.atomically(() => {
      box.dispatch('x');
      box.defer(() => log.push('task'));
      log.push('operation');
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['operation', 'step x', 'task']);
    // Inside a step it runs at once: the surrounding drain takes care of the rest.
    const inner: Mailbox<string> = new Mailbox(() => {
      inner.atomically(() => log.push('nested'));
    });
    inner.dispatch('y');
    expect(log.at(-1)).toBe('nested');
  });

  it('atomically(): an operation that issued nothing runs nothing after it, not even `settled`', () => {
    // The path of every received frame: a listener that issues no command costs no drain.
    let settled = 0;
    const box = new Mailbox<string>(
      () => {},
      () => settled++,
    );
    expect(box.atomically(() => 'frame delivered')).toBe('frame delivered');
    expect(settled).toBe(0);
    box.atomically(() => box.dispatch('command'));
    expect(settled).toBe(1);
  });

  it('a step that throws does not leave the mailbox stuck running', () => {
    const box = new Mailbox<string>((event) => {
      if (event === 'bad') throw new Error('bug');
    });
    expect(() => box.dispatch('bad')).toThrow('bug');
    expect(box.running).toBe(false);
    const log: string[] = [];
    box.defer(() => log.push('still works'));
    expect(log).toEqual(['still works']);
  });
});
