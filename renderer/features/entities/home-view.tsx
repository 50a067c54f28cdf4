/** Home: the exposed entities as live cards, grouped by area (cards without an area last). */
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { useApp, useStore } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { groupByArea, homeCounts } from './entity-card-model.js';
import { EntityCardView } from './entity-card-view.js';

function EmptyHome(): JSX.Element {
  const { controller, t, kiosk, navigate } = useApp();
  const health = useStore(controller.store, (s) => s.status?.homeAssistant ?? 'not-configured');
  const configured = health !== 'not-configured';
  return (
    <div class="empty">
      <Icon name="home" size={40} />
      <h2 class="empty__title">{configured ? t.t('home.emptyConnectedTitle') : t.t('home.emptyTitle')}</h2>
      {configured ? (
        <p class="empty__text">{t.t('home.emptyConnected')}</p>
      ) : (
        <ol class="empty__steps">
          <li>{t.t('home.step1')}</li>
          <li>{t.t('home.step2')}</li>
          <li>{t.t('home.step3')}</li>
        </ol>
      )}
      {!kiosk && (
        <button type="button" class="button button--primary" onClick={() => navigate('settings', 'section-home-assistant')}>
          <Icon name="settings" size={18} />
          <span>{t.t('home.openSettings')}</span>
        </button>
      )}
    </div>
  );
}

export function EntityGrid(props: { headingLevel?: 2 | 3 }): JSX.Element {
  const { controller, t } = useApp();
  const cards = useStore(controller.store, (s) => s.entities);
  const groups = useMemo(() => groupByArea(cards, t.locale), [cards, t.locale]);
  if (cards.length === 0) return <EmptyHome />;
  return (
    <div class="areas">
      {groups.map((group) => {
        const headingId = `area-${group.key.replace(/[^\w-]/g, '_')}`;
        const title = group.area ?? t.t('home.unassigned');
        return (
          <section class="area" key={group.key} aria-labelledby={headingId}>
            {props.headingLevel === 3 ? (
              <h3 class="area__title" id={headingId}>
                {title}
              </h3>
            ) : (
              <h2 class="area__title" id={headingId}>
                {title}
              </h2>
            )}
            <div class="cards">
              {group.cards.map((card) => (
                <EntityCardView key={card.id} card={card} />
              ))}
            </div>
          </section>
        );
      })}
    </div>
  );
}

export function HomeView(): JSX.Element {
  const { controller, t } = useApp();
  const cards = useStore(controller.store, (s) => s.entities);
  const counts = homeCounts(cards);
  return (
    <section class="home" aria-labelledby="home-title">
      <header class="view-header">
        <h1 class="view-title" id="home-title">
          {t.t('nav.home')}
        </h1>
        {cards.length > 0 && (
          <p class="view-subtitle">
            {t.plural('home.devices', counts.devices)}
            {counts.areas > 0 && ` · ${t.plural('home.areas', counts.areas)}`}
          </p>
        )}
      </header>
      <EntityGrid />
    </section>
  );
}
