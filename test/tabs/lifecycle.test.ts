import { afterEach, describe, expect, it } from 'vitest';
import { type LifecycleSignal, pageLifecycle } from '../../src/tabs/lifecycle';

const g = globalThis as Record<string, unknown>;
const saved = {
  document: g.document,
  addEventListener: g.addEventListener,
  removeEventListener: g.removeEventListener,
};

afterEach(() => Object.assign(g, saved));

/** A window and document of our own: listeners by type, and events to fire. */
const page = () => {
  const targets = { window: new EventTarget(), document: new EventTarget() };
  g.addEventListener = targets.window.addEventListener.bind(targets.window);
  g.removeEventListener = targets.window.removeEventListener.bind(targets.window);
  g.document = targets.document;
  return targets;
};

const pagehide = (persisted: boolean) => Object.assign(new Event('pagehide'), { persisted });

describe('pageLifecycle', () => {
  it('says leave on a pagehide that does not keep the page, freeze and resume as the document does', () => {
    const { window, document } = page();
    const heard: LifecycleSignal[] = [];
    const stop = pageLifecycle()?.subscribe((signal) => heard.push(signal));
    window.dispatchEvent(pagehide(true)); // into the back/forward cache: it may come back
    window.dispatchEvent(pagehide(false));
    document.dispatchEvent(new Event('freeze'));
    document.dispatchEvent(new Event('resume'));
    expect(heard).toEqual(['leave', 'freeze', 'resume']);
    stop?.();
    window.dispatchEvent(pagehide(false));
    document.dispatchEvent(new Event('freeze'));
    expect(heard).toHaveLength(3);
  });

  it('is undefined where there is no page (Node, workers)', () => {
    g.document = undefined;
    expect(pageLifecycle()).toBeUndefined();
  });
});
