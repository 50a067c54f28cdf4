/** The settings page's sections and the block each is drawn in. */
import type { ComponentChildren, JSX } from 'preact';

export const SECTIONS = ['openai', 'conversation', 'listening', 'home-assistant', 'prices', 'logging', 'interface'] as const;
export type Section = (typeof SECTIONS)[number];

export function SectionBlock(props: { id: Section; title: string; description?: string; children: ComponentChildren }): JSX.Element {
  return (
    <section class="settings-section" id={`section-${props.id}`} aria-labelledby={`section-${props.id}-title`}>
      <h2 class="settings-section__title" id={`section-${props.id}-title`} tabIndex={-1}>
        {props.title}
      </h2>
      {props.description && <p class="settings-section__description">{props.description}</p>}
      {props.children}
    </section>
  );
}
