import { useEffect, useState } from 'preact/hooks';

/** True after `ms` without pointer or key activity (the kiosk hides the cursor with CSS then). */
export function useIdle(ms: number, enabled = true): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    let timer = setTimeout(() => setIdle(true), ms);
    const wake = () => {
      clearTimeout(timer);
      setIdle(false);
      timer = setTimeout(() => setIdle(true), ms);
    };
    const events = ['pointermove', 'pointerdown', 'keydown', 'touchstart', 'wheel'] as const;
    for (const type of events) window.addEventListener(type, wake, { passive: true, capture: true });
    return () => {
      clearTimeout(timer);
      for (const type of events) window.removeEventListener(type, wake, { capture: true });
    };
  }, [ms, enabled]);
  return idle;
}
