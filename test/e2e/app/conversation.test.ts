/**
 * The conversation view in real Chromium against the built renderer, with the FakeAssistantApi as
 * `window.assistant`: typing a message, the streamed transcript, tool calls in words, talk/stop, mute,
 * status words, latency and cost, the mic meter, the error banner, seq ordering.
 */
import { describe, expect, it } from 'vitest';
import type { TranscriptItem } from '../../../preload/contract/types.js';
import { defaultStatus, fakeError } from '../../fakes/fake-assistant-api.js';
import { useAppHarness } from '../pages/app-harness.js';

const harness = useAppHarness();

const user = (id: string, text: string, final = true): TranscriptItem => ({ kind: 'message', id, role: 'user', text, final });
const assistant = (id: string, text: string, final = true, interrupted = false): TranscriptItem => ({
  kind: 'message',
  id,
  role: 'assistant',
  text,
  final,
  ...(interrupted ? { interrupted } : {}),
});

describe('conversation', () => {
  it('typing a message sends it, and the reply streams into the transcript', async () => {
    const app = await harness.open();
    const { hearth, fake } = app;
    await expect(hearth.conversation.transcript.count()).resolves.toBe(1);
    await hearth.conversation.send('Turn on the kitchen lights');
    expect(await fake.waitForCall('conversation:send-text')).toEqual([{ text: 'Turn on the kitchen lights' }]);
    // The box clears when the invoke's result reaches the page, a moment after the server saw it.
    await expect.poll(() => hearth.conversation.input.inputValue()).toBe('');

    // Main streams: the user's turn, the assistant's reply growing, a tool call, the final reply.
    await fake.setTranscript([user('u1', 'Turn on the kitchen lights'), assistant('a1', 'Turning', false)]);
    await hearth.conversation.waitForAssistant('Turning');
    await expect(hearth.conversation.transcript.getAttribute('aria-busy')).resolves.toBe('true');
    await expect(hearth.conversation.transcript.locator('.entry--streaming').count()).resolves.toBe(1);

    const tool: TranscriptItem = {
      kind: 'tool',
      id: 't1',
      callId: 'c1',
      name: 'turn_on_off',
      arguments: '{"entities":["light.kitchen_ceiling"],"action":"turn_on"}',
    };
    await fake.setTranscript([user('u1', 'Turn on the kitchen lights'), tool, assistant('a1', 'Turning them on', false)]);
    const call = hearth.conversation.toolCall('Turn on or off');
    await call.waitFor();
    await expect(call.locator('.tool__status').textContent()).resolves.toBe('Running');

    await fake.setTranscript([
      user('u1', 'Turn on the kitchen lights'),
      { ...tool, ok: true, output: '{"results":[{"id":"light.kitchen_ceiling","name":"Kitchen ceiling","state":"on","changed":true}]}' },
      assistant('a1', 'The kitchen ceiling light is on.'),
    ]);
    await hearth.conversation.waitForAssistant('The kitchen ceiling light is on.');
    await expect(call.locator('.tool__status').textContent()).resolves.toBe('Done');
    // Readable, not a JSON wall: arguments as labels, the result per device; raw JSON only on request.
    await expect(call.locator('.tool__args').innerText()).resolves.toMatch(/Devices\s*light\.kitchen_ceiling/);
    await expect(call.locator('.tool__result').innerText()).resolves.toBe('Kitchen ceiling: on');
    await expect(call.locator('pre').first().isVisible()).resolves.toBe(false);
    await call.getByText('Technical details').click();
    await expect(call.locator('pre').first().isVisible()).resolves.toBe(true);
    await expect(hearth.conversation.transcript.getAttribute('aria-busy')).resolves.toBe('false');
    await expect(hearth.conversation.messages('user').allTextContents()).resolves.toEqual(['Turn on the kitchen lights']);
  });

  it('shows a preamble (phase commentary) apart from the answer: labelled, italic and muted', async () => {
    const app = await harness.open({
      fake: {
        state: {
          transcript: [
            user('u1', 'How warm is it?'),
            { kind: 'message', id: 'a1', role: 'assistant', text: 'Checking the thermostat.', final: true, phase: 'commentary' },
            { kind: 'message', id: 'a2', role: 'assistant', text: 'It is 21 degrees.', final: true, phase: 'final_answer' },
          ],
        },
      },
    });
    const { hearth } = app;
    const preamble = hearth.conversation.transcript.locator('.entry--preamble');
    await expect(preamble.count()).resolves.toBe(1);
    await expect(preamble.innerText()).resolves.toMatch(/While working\s+Checking the thermostat\./);
    const style = (selector: string) =>
      app.page.locator(selector).evaluate((el) => {
        const s = (globalThis as any).getComputedStyle(el) as { fontStyle: string; color: string };
        return { fontStyle: s.fontStyle, color: s.color };
      });
    const pre = await style('.entry--preamble .bubble');
    const answer = await style('.entry--assistant:not(.entry--preamble) .bubble');
    expect(pre.fontStyle).toBe('italic');
    expect(answer.fontStyle).toBe('normal');
    expect(pre.color).not.toBe(answer.color);
    await expect(hearth.conversation.messages('assistant').allTextContents()).resolves.toEqual([
      'Checking the thermostat.',
      'It is 21 degrees.',
    ]);
    // The speaker is named once for the preamble and the answer that follows it.
    await expect(hearth.conversation.transcript.locator('.entry--assistant .entry__speaker:not(.visually-hidden)').count()).resolves.toBe(
      1,
    );
  });

  it('marks interrupted replies and keeps the text of a failed send', async () => {
    const app = await harness.open({
      fake: { state: { transcript: [user('u1', 'Tell me a story'), assistant('a1', 'Once upon a', true, true)] } },
    });
    const { hearth, fake } = app;
    const entry = hearth.conversation.transcript.locator('.entry--interrupted');
    await expect(entry.innerText()).resolves.toMatch(/Once upon a\s+Interrupted/);
    await fake.respond('conversation:send-text', {
      ok: false,
      error: fakeError('OpenAI is not connected.', { source: 'openai', category: 'connectivity' }),
    });
    await hearth.conversation.send('Are you there?');
    await hearth.banner('OpenAI: cannot connect').waitFor();
    await expect(hearth.conversation.input.inputValue()).resolves.toBe('Are you there?');
    await hearth.banner('OpenAI: cannot connect').getByRole('button', { name: 'Dismiss' }).click();
    await expect(hearth.banners.count()).resolves.toBe(0);
  });

  it('talk becomes stop during a conversation; mute toggles; the status says what happens, in words', async () => {
    const app = await harness.open();
    const { hearth, fake } = app;
    await expect(hearth.stateTitle()).resolves.toBe('Listening for the wake word');
    await expect(hearth.state.locator('.state__hint').textContent()).resolves.toBe('Say “Hey Jarvis” or press Ctrl+Shift+Space');
    await hearth.conversation.talkButton.click();
    expect(await fake.waitForCall('conversation:start')).toEqual([{ source: 'button' }]);

    await fake.setStatus({ state: { kind: 'conversing', phase: 'thinking' }, openai: 'connected' });
    await expect(hearth.stateTitle()).resolves.toBe('Thinking');
    await expect(hearth.conversation.talkButton.textContent()).resolves.toBe('Stop');
    await hearth.conversation.talkButton.click();
    await fake.waitForCall('conversation:stop');

    await fake.setStatus({ state: { kind: 'conversing', phase: 'running-tool', tool: 'set_climate' } });
    await expect(hearth.state.innerText()).resolves.toMatch(/Working on it\s+Set the heating or cooling/);

    await expect(hearth.conversation.muteButton.getAttribute('aria-pressed')).resolves.toBe('false');
    await hearth.conversation.muteButton.click();
    expect(await fake.waitForCall('mic:set-muted')).toEqual([{ muted: true }]);
    await expect.poll(() => hearth.conversation.muteButton.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => hearth.conversation.muteButton.textContent()).toBe('Microphone muted');

    await expect(hearth.health('OpenAI').innerText()).resolves.toMatch(/OpenAI\s*Connected/);
    await fake.setStatus({ homeAssistant: 'reconnecting', state: { kind: 'idle' }, muted: false });
    await expect(hearth.health('Home Assistant').innerText()).resolves.toMatch(/Home Assistant\s*Reconnecting/);
    await hearth.banner('Home Assistant is unreachable').waitFor();
    await fake.setStatus({ homeAssistant: 'connected' });
    await hearth.banner('Home Assistant is unreachable').waitFor({ state: 'detached' });
  });

  it('shows the last turn latency, the session cost and the mic level', async () => {
    const app = await harness.open();
    const { hearth, fake } = app;
    await expect(hearth.conversation.lastTurn.textContent()).resolves.toBe('No answer yet');
    await fake.setStatus({ costUsd: 0.0213, lastTurn: { endOfSpeechToFirstAudioMs: 812, endOfSpeechToFirstPlayedMs: 850, toolMs: [] } });
    await expect(hearth.conversation.lastTurn.textContent()).resolves.toBe('answered in 0.8\u00a0s');
    await expect(hearth.conversation.sessionCost.textContent()).resolves.toMatch(/^(US)?\$0\.02$/);
    await fake.emit('mic:level', { rmsDbfs: -30, peak: 0.1 });
    await expect(hearth.conversation.micMeter.getAttribute('aria-valuenow')).resolves.toBe('50');
  });

  it('shows what main notes about push-to-talk and the wake word', async () => {
    const app = await harness.open();
    const { page, fake } = app;
    await fake.setStatus({
      pushToTalk: {
        hotkey: 'CommandOrControl+Shift+Space',
        mode: 'toggle',
        note: 'Hold-to-talk is not available on Wayland: the shortcut toggles.',
      },
      wakeWord: { engine: 'openwakeword', keywords: ['hey_jarvis'], note: 'Porcupine refused the AccessKey: using openWakeWord.' },
    });
    await expect(page.locator('.assistant-panel .note').allInnerTexts()).resolves.toEqual([
      'Porcupine refused the AccessKey: using openWakeWord.',
      'Hold-to-talk is not available on Wayland: the shortcut toggles.',
    ]);
  });

  it('shows app:error and status.lastError in the banner', async () => {
    const app = await harness.open();
    const { hearth, fake } = app;
    await fake.emit('app:error', fakeError('The microphone was unplugged.', { source: 'mic', category: 'connectivity' }));
    await hearth.banner('Microphone: cannot connect').waitFor();
    await expect(hearth.banner('Microphone: cannot connect').getAttribute('role')).resolves.toBe('alert');
    await fake.setStatus({
      lastError: fakeError('Incorrect API key provided.', { source: 'openai', category: 'authentication', permanent: true }),
    });
    const banner = hearth.banner('OpenAI: the key or token was refused');
    await banner.waitFor();
    // A permanent authentication error offers the way to fix it.
    await banner.getByRole('button', { name: 'Open settings' }).click();
    await hearth.page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  });

  it('ignores events older than the snapshot, and applies newer ones', async () => {
    const app = await harness.open({ fake: { state: { seq: 10, transcript: [assistant('a0', 'From the snapshot')] } } });
    const { hearth, fake } = app;
    await hearth.conversation.waitForAssistant('From the snapshot');
    await fake.emit('transcript:changed', { seq: 9, items: [assistant('old', 'Stale event')] });
    await fake.emit('status:changed', { seq: 8, status: { ...defaultStatus(), state: { kind: 'conversing', phase: 'thinking' } } });
    await fake.emit('transcript:changed', { seq: 11, items: [assistant('a0', 'From the snapshot'), assistant('a1', 'Newer event')] });
    await hearth.conversation.waitForAssistant('Newer event');
    await expect(hearth.conversation.messages('assistant').allTextContents()).resolves.toEqual(['From the snapshot', 'Newer event']);
    await expect(hearth.stateTitle()).resolves.toBe('Listening for the wake word');
  });

  it('clears the conversation', async () => {
    const app = await harness.open({ fake: { state: { transcript: [user('u', 'hi'), assistant('a', 'Hello!')] } } });
    await app.hearth.conversation.clearButton.click();
    await app.fake.waitForCall('conversation:clear');
  });
});
