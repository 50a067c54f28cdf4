/** The product's mark and name, as the header, the first-run guide and the loading screen show it. */
import type { JSX } from 'preact';
import { Icon } from './icons.js';

export function Brand(props: { large?: boolean }): JSX.Element {
  return (
    <span class={props.large ? 'brand brand--large' : 'brand'}>
      <span class="brand__mark" aria-hidden="true">
        <Icon name="home" size={props.large ? 28 : 20} />
      </span>
      <span class="brand__name">Hearth</span>
    </span>
  );
}
