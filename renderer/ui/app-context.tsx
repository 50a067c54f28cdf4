/** What every view needs: the controller (state + actions), the translator and the page's mode. */
import { createContext, type ComponentChildren, type JSX } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { LocalePreference, Translator } from '../i18n/i18n.js';
import type { AudioSink } from '../audio-sink.js';
import type { AppController } from '../state/app-controller.js';
import type { Store } from '../state/store.js';

export type View = 'conversation' | 'home' | 'settings';

export type AppContextValue = {
  controller: AppController;
  audio: AudioSink | null;
  t: Translator;
  localePreference: LocalePreference;
  setLocalePreference(preference: LocalePreference): void;
  kiosk: boolean;
  isMac: boolean;
  view: View;
  navigate(view: View, focusTarget?: string): void;
};

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider(props: { value: AppContextValue; children: ComponentChildren }): JSX.Element {
  return <AppContext.Provider value={props.value}>{props.children}</AppContext.Provider>;
}

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside AppProvider');
  return value;
}

/** Subscribes to a store and re-renders when the selected part changes (compared with Object.is). */
export function useStore<T, S>(store: Store<T>, select: (state: T) => S): S {
  const [selected, setSelected] = useState(() => select(store.get()));
  const selectRef = useRef(select);
  selectRef.current = select;
  useEffect(() => {
    const check = (state: T) => {
      const next = selectRef.current(state);
      setSelected((previous) => (Object.is(previous, next) ? previous : next));
    };
    check(store.get());
    return store.subscribe(check);
  }, [store]);
  return selected;
}
