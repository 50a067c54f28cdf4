/** The Home view: cards grouped by area, live, and every control sending the right entity action. */
import { describe, expect, it } from 'vitest';
import { defaultStatus } from '../../fakes/fake-assistant-api.js';
import { useAppHarness } from '../pages/app-harness.js';
import { sampleCards } from '../pages/sample-data.js';

const harness = useAppHarness();

describe('home', () => {
  it('groups the cards by area, areas by name, devices without an area last', async () => {
    const app = await harness.open({ hash: 'home', fake: { state: { entities: sampleCards() } } });
    await expect(app.hearth.home.areaTitles()).resolves.toEqual(['Hallway', 'Kitchen', 'Living room', 'Other devices']);
    await expect(app.page.locator('.view-subtitle').textContent()).resolves.toBe('10 devices · 3 areas');
    const kitchen = app.hearth.home.area('Kitchen');
    await expect(kitchen.getByRole('article').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-entity-id')))).resolves.toEqual([
      'light.kitchen_ceiling',
      'light.kitchen_counter',
      'media_player.kitchen_speaker',
    ]);
  });

  it('every control calls ha:entity-action with the right action, and shows the result', async () => {
    const app = await harness.open({ hash: 'home', fake: { state: { entities: sampleCards() } } });
    const { hearth, fake } = app;
    const ceiling = hearth.home.card('Kitchen ceiling');
    await fake.respond('ha:entity-action', { ok: true, value: { ok: true, message: 'Kitchen ceiling: off' } });
    await ceiling.toggle.click();
    expect(await fake.waitForCall('ha:entity-action')).toEqual([{ entityId: 'light.kitchen_ceiling', action: 'turn_off' }]);
    await expect.poll(() => ceiling.result.innerText()).toBe('Kitchen ceiling: off');

    const expected: Array<[() => Promise<void>, unknown]> = [
      [() => ceiling.setSlider('Brightness', 40), { entityId: 'light.kitchen_ceiling', action: 'set_brightness', percent: 40 }],
      [
        () => ceiling.setSlider('Colour temperature', 4000),
        { entityId: 'light.kitchen_ceiling', action: 'set_color_temperature', kelvin: 4000 },
      ],
      [() => hearth.home.card('Counter strip').toggle.click(), { entityId: 'light.kitchen_counter', action: 'turn_on' }],
      [
        () => hearth.home.card('Living room thermostat').raise.click(),
        { entityId: 'climate.living_room', action: 'set_climate_target', celsius: 21.5 },
      ],
      [
        () => hearth.home.card('Living room thermostat').lower.click(),
        { entityId: 'climate.living_room', action: 'set_climate_target', celsius: 20.5 },
      ],
      [
        () => hearth.home.card('Living room blinds').setSlider('Position', 25),
        { entityId: 'cover.living_room_blinds', action: 'set_cover_position', percent: 25 },
      ],
      [
        () => hearth.home.card('Kitchen speaker').button('Pause').click(),
        { entityId: 'media_player.kitchen_speaker', action: 'media_play_pause' },
      ],
      [
        () => hearth.home.card('Kitchen speaker').setSlider('Volume', 60),
        { entityId: 'media_player.kitchen_speaker', action: 'set_volume', percent: 60 },
      ],
      [() => hearth.home.card('Movie night').button('Activate').click(), { entityId: 'scene.movie_night', action: 'activate' }],
      [() => hearth.home.card('Good night').button('Run').click(), { entityId: 'script.good_night', action: 'activate' }],
    ];
    for (const [act, action] of expected) {
      const before = (await fake.callsOf('ha:entity-action')).length;
      await act();
      await expect.poll(async () => (await fake.callsOf('ha:entity-action')).slice(before), { timeout: 5_000 }).toEqual([[action]]);
    }
  });

  it('shows a refused action’s message on the card', async () => {
    const app = await harness.open({ hash: 'home', fake: { state: { entities: sampleCards() } } });
    await app.fake.respond('ha:entity-action', { ok: true, value: { ok: false, message: 'Home Assistant is not reachable right now.' } });
    const door = app.hearth.home.card('Garage door');
    await door.setSlider('Position', 100);
    await expect(door.result.innerText()).resolves.toBe('Home Assistant is not reachable right now.');
    await expect(door.result.getAttribute('class')).resolves.toContain('card__result--error');
  });

  it('marks sensitive and just-changed cards with words and icons, and follows live changes', async () => {
    const app = await harness.open({ hash: 'home', fake: { state: { entities: sampleCards() } } });
    const { hearth, fake } = app;
    await expect(hearth.home.card('Front door').sensitiveBadge.innerText()).resolves.toBe('Asks to confirm');
    await expect(hearth.home.card('Garage door').sensitiveBadge.count()).resolves.toBe(1);
    await expect(hearth.home.card('Counter strip').sensitiveBadge.count()).resolves.toBe(0);
    await expect(hearth.home.card('Kitchen ceiling').highlightBadge.innerText()).resolves.toBe('Just changed');
    await expect(hearth.home.card('Kitchen ceiling').root.getAttribute('class')).resolves.toContain('card--highlighted');

    const cards = sampleCards().map((card) =>
      card.id === 'light.kitchen_counter'
        ? {
            ...card,
            state: 'on',
            detail: 'On · 30 %',
            controls: [
              { kind: 'toggle' as const, on: true },
              { kind: 'brightness' as const, percent: 30 },
            ],
            highlighted: true,
          }
        : { ...card, highlighted: false },
    );
    await fake.setEntities(cards);
    const counter = hearth.home.card('Counter strip');
    await expect.poll(() => counter.state.innerText()).toBe('On · 30 %');
    await expect(counter.toggle.getAttribute('aria-checked')).resolves.toBe('true');
    await expect(counter.slider('Brightness').inputValue()).resolves.toBe('30');
    await expect(hearth.home.card('Kitchen ceiling').highlightBadge.count()).resolves.toBe(0);
  });

  it('explains how to connect Home Assistant when there are no cards', async () => {
    const app = await harness.open({ hash: 'home', fake: { state: { status: { ...defaultStatus(), homeAssistant: 'not-configured' } } } });
    const empty = app.hearth.home.empty;
    await expect(empty.getByRole('heading').textContent()).resolves.toBe('Connect Home Assistant');
    await expect(empty.locator('li').count()).resolves.toBe(3);
    await empty.getByRole('button', { name: 'Open Home Assistant settings' }).click();
    await expect.poll(() => app.page.evaluate(() => (globalThis as any).location.hash)).toBe('#settings/home-assistant');
    await app.page.getByRole('heading', { level: 2, name: 'Home Assistant' }).waitFor();
  });
});
