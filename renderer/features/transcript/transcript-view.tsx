/** The live transcript: user and assistant messages streaming in, tool calls inline with their results. */
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { useApp, useStore } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { isStreaming, recentEntries, transcriptEntries, type ToolCallView, type TranscriptEntry } from './transcript-model.js';

function ToolCall(props: { call: ToolCallView }): JSX.Element {
  const { t, kiosk } = useApp();
  const { call } = props;
  const statusText = {
    running: t.t('tool.status.running'),
    done: t.t('tool.status.done'),
    failed: t.t('tool.status.failed'),
    'needs-confirmation': t.t('tool.status.confirm'),
  }[call.status];
  const icon =
    call.status === 'failed' ? 'alert' : call.status === 'running' ? 'dots' : call.status === 'needs-confirmation' ? 'lock' : 'check';
  return (
    <li class={`tool tool--${call.status}`}>
      <div class="tool__head">
        <Icon name="wrench" size={16} />
        <span class="tool__title">{call.title}</span>
        <span class="tool__status">
          <Icon name={icon} size={16} />
          {statusText}
        </span>
      </div>
      {call.args.length > 0 && (
        <dl class="tool__args">
          {call.args.map((arg) => (
            <div class="tool__arg" key={arg.label}>
              <dt>{arg.label}</dt>
              <dd>{arg.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {call.lines.length > 0 && (
        <ul class="tool__result">
          {call.lines.map((line, index) => (
            <li key={index}>{line}</li>
          ))}
        </ul>
      )}
      {!kiosk && (
        <details class="tool__raw">
          <summary>{t.t('tool.details')}</summary>
          <pre>{call.raw.arguments}</pre>
          {call.raw.output !== null && <pre>{call.raw.output}</pre>}
        </details>
      )}
    </li>
  );
}

function Entry(props: { entry: TranscriptEntry }): JSX.Element {
  const { t } = useApp();
  const { entry } = props;
  if (entry.kind === 'actions') {
    return (
      <li class="entry entry--actions">
        <span class="visually-hidden">{t.t('transcript.actions')}</span>
        <ul class="tools">
          {entry.calls.map((call) => (
            <ToolCall key={call.id} call={call} />
          ))}
        </ul>
      </li>
    );
  }
  const speaker = entry.role === 'user' ? t.t('transcript.you') : t.t('transcript.assistant');
  return (
    <li
      class={`entry entry--${entry.role} ${entry.final ? '' : 'entry--streaming'} ${entry.interrupted ? 'entry--interrupted' : ''} ${entry.preamble ? 'entry--preamble' : ''}`}
    >
      <span class={`entry__speaker ${entry.first ? '' : 'visually-hidden'}`}>{speaker}</span>
      {entry.preamble && <span class="entry__phase">{t.t('transcript.preamble')}</span>}
      <p class="bubble">
        {entry.text || (entry.final ? '' : '…')}
        {!entry.final && <span class="caret" aria-hidden="true" />}
      </p>
      {entry.interrupted && (
        <span class="entry__note">
          <Icon name="stop" size={14} />
          {t.t('transcript.interrupted')}
        </span>
      )}
    </li>
  );
}

export function Transcript(props: { limit?: number; empty?: JSX.Element }): JSX.Element {
  const { controller, t } = useApp();
  const items = useStore(controller.store, (s) => s.transcript);
  const entries = useMemo(() => {
    const all = transcriptEntries(items, t);
    return props.limit ? recentEntries(all, props.limit) : all;
  }, [items, t, props.limit]);
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  // Stay at the bottom while new text arrives, unless the user scrolled up to read.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [entries]);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => {
      pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  return (
    <div class="transcript" ref={scroller} tabIndex={0} role="region" aria-label={t.t('transcript.scrollRegion')}>
      {entries.length === 0 && props.empty}
      <ol
        class="entries"
        role="log"
        aria-live="polite"
        aria-relevant="additions text"
        aria-busy={isStreaming(items)}
        aria-label={t.t('transcript.title')}
      >
        {entries.map((entry) => (
          <Entry key={entry.id} entry={entry} />
        ))}
      </ol>
    </div>
  );
}
