import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFakeRealtimeServer,
  type FakeRealtimeServer,
  type FakeRealtimeServerOptions,
  type ScriptedTurn,
} from '../servers/fake-realtime-server.js';
import { UNEXPOSED_ENTITY } from '../servers/home-assistant-core.js';
import { useHomeAssistant } from '../helpers/home-assistant-fixture.js';
import { requireSpeechTools, writeSpeechWav, type Utterance } from '../helpers/speech.js';
import { eventually } from '../helpers/wait.js';
import {
  expectOneClearLine,
  readEventsFile as readEvents,
  startHeadless as startHeadlessIn,
  type HeadlessEvent as Event,
} from '../helpers/headless-cli.js';

/**
 * `npm run headless` with `--ha-url/--ha-token-file` as a child process: the fake Realtime server
 * plays the model (scripted function calls), a real Home Assistant 2024.3.3 is the home.
 */

const home = useHomeAssistant();
let dir: string;
let tokenFile: string;

const startHeadless = (args: string[], env: Record<string, string> = {}) => startHeadlessIn(dir, args, env);
const runHeadless = (args: string[], env: Record<string, string> = {}) => startHeadless(args, env).done;

const haArgs = () => ['--ha-url', home.ha.url, '--ha-token-file', tokenFile];
/** Arguments for one typed request to the home through `server`, exiting when the assistant is idle. */
const typed = (server: FakeRealtimeServer, text: string) => [...haArgs(), '--realtime-url', server.url, '--text', text, '--exit-when-idle'];

const toolResults = (events: Event[]) => events.filter((e) => e.type === 'tool_result');
const outputOf = (e: Event) => JSON.parse(e.output as string) as Record<string, any>;
const call = (name: string, args: unknown) => ({ type: 'function_call' as const, name, arguments: args });
const say = (text: string, audioMs = 300) => ({ type: 'message' as const, text, audioMs });

/** Locks lock.front_door and waits until Home Assistant reports it locked. */
async function lockFrontDoor(): Promise<void> {
  await home.admin.command('call_service', { domain: 'lock', service: 'lock', target: { entity_id: 'lock.front_door' } });
  await eventually(
    () => home.state('lock.front_door'),
    (s) => s.state === 'locked',
  );
}

/** The headless runner on a spoken `--input` (no wake word) against the home and `server`; it must exit cleanly. */
async function runSpoken(server: FakeRealtimeServer, input: string, env: Record<string, string> = {}) {
  const run = await runHeadless(
    [...haArgs(), '--realtime-url', server.url, '--input', input, '--wake', 'none', '--exit-when-idle', '--conversation-timeout', '5'],
    env,
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

/** What the scripted model asks set_lock to do, first without and then with `confirmed`. */
const unlock = { entities: ['front door'], action: 'unlock' };

/** Spoken "unlock the front door", then after 3.5 s the answer: the WAV `<name>.wav` for `--input`. */
async function unlockSpeech(name: string, answer: Utterance): Promise<string> {
  const unlock = { id: 'unlock', text: 'unlock the front door', voice: 'en-us', speed: 160 };
  return (await writeSpeechWav(dir, name, [500, unlock, 3500, answer, 4000])).path;
}

async function withServer<T>(
  script: ScriptedTurn[],
  fn: (server: FakeRealtimeServer) => Promise<T>,
  options: Omit<FakeRealtimeServerOptions, 'script'> = {},
): Promise<T> {
  const server = await createFakeRealtimeServer({ ...options, script });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-e2e-ha-'));
  tokenFile = join(dir, 'ha-token');
  await writeFile(tokenFile, `${home.ha.token}\n`, { mode: 0o600 });
});

describe('headless + Home Assistant, end to end', () => {
  it('"turn on the kitchen lights at 50 %" changes light.kitchen_lights in Home Assistant and the tool result says so', async () => {
    await home.admin.command('call_service', { domain: 'light', service: 'turn_off', target: { entity_id: 'light.kitchen_lights' } });
    await withServer(
      [
        { items: [call('set_light', { entities: ['light.kitchen_lights'], brightness_pct: 50 })] },
        { items: [say('Done, kitchen lights at half.')] },
      ],
      async (server) => {
        const { code, stderr, events } = await runHeadless(typed(server, 'Turn on the kitchen lights at 50 %'));
        expect(stderr).toBe('');
        expect(code).toBe(0);
        const results = toolResults(events);
        expect(results).toHaveLength(1);
        expect(results[0]).toMatchObject({ name: 'set_light', ok: true });
        expect(outputOf(results[0]!)).toEqual({
          results: [expect.objectContaining({ id: 'light.kitchen_lights', state: 'on', brightness_pct: 50, changed: true })],
        });
        expect(await home.state('light.kitchen_lights')).toMatchObject({ state: 'on', attributes: { brightness: 128 } });
        // The model saw the home and the tools, and got exactly the tool output back.
        const update = server.log.find((e) => e.direction === 'in' && e.event.type === 'session.update')!.event;
        expect(update.session.instructions).toContain('Kitchen: light.kitchen_lights');
        expect(update.session.instructions).not.toContain(UNEXPOSED_ENTITY);
        expect(update.session.tools.map((t: { name: string }) => t.name)).toEqual(
          expect.arrayContaining(['set_light', 'turn_on_off', 'set_lock', 'get_states']),
        );
        const sent = server.log.find(
          (e) => e.direction === 'in' && e.event.type === 'conversation.item.create' && e.event.item?.type === 'function_call_output',
        );
        expect(sent?.event.item.output).toBe(results[0]!.output);
        expect(events.filter((e) => e.type === 'home_assistant')[0]).toMatchObject({ status: 'connected', version: '2024.3.3' });
      },
    );
  });

  it('climate, cover, scene and media player in one turn, and a state query', async () => {
    // A cover without a device class asks before opening (it may be a garage door); this one is a window.
    await home.admin.command('config/entity_registry/update', { entity_id: 'cover.kitchen_window', device_class: 'window' });
    await home.admin.command('call_service', {
      domain: 'scene',
      service: 'create',
      service_data: { scene_id: 'movie_night', entities: { 'light.bed_light': { state: 'on', brightness: 40 } } },
    });
    await home.admin.command('call_service', { domain: 'light', service: 'turn_off', target: { entity_id: 'light.bed_light' } });
    const outside = (await home.state('sensor.outside_temperature')).state;
    await withServer(
      [
        {
          items: [
            call('set_climate', { entities: ['climate.hvac'], temperature: 23, hvac_mode: 'heat' }),
            call('set_cover', { entities: ['kitchen window'], action: 'open' }),
            call('control_media', { entities: ['media_player.bedroom'], action: 'pause' }),
            call('activate_scene', { scene: 'movie night' }),
            call('get_states', { entities: ['sensor.outside_temperature'] }),
          ],
        },
        { items: [say('All set.')] },
      ],
      async (server) => {
        const { code, events } = await runHeadless(typed(server, 'Movie night please'));
        expect(code).toBe(0);
        const byName = new Map(toolResults(events).map((e) => [e.name as string, outputOf(e)]));
        expect(byName.get('set_climate')!.results[0]).toMatchObject({ id: 'climate.hvac', state: 'heat', target_temperature: 23 });
        expect(byName.get('set_cover')!.results[0]).toMatchObject({ id: 'cover.kitchen_window', state: 'open' });
        expect(byName.get('control_media')!.results[0]).toMatchObject({ id: 'media_player.bedroom', state: 'paused' });
        expect(byName.get('activate_scene')!.results[0]).toMatchObject({ id: 'scene.movie_night' });
        expect(byName.get('get_states')!.states[0]).toMatchObject({ id: 'sensor.outside_temperature', state: outside });
        expect(await home.state('climate.hvac')).toMatchObject({ state: 'heat', attributes: { temperature: 23 } });
        expect((await home.state('cover.kitchen_window')).state).toBe('open');
        expect((await home.state('media_player.bedroom')).state).toBe('paused');
        expect(
          await eventually(
            () => home.state('light.bed_light'),
            (s) => s.state === 'on',
          ),
        ).toMatchObject({ attributes: { brightness: 40 } });
      },
    );
  });

  it('an unknown entity and an unexposed entity get the same clear refusal', async () => {
    await withServer(
      [
        {
          items: [
            call('turn_on_off', { entities: [UNEXPOSED_ENTITY], action: 'turn_on' }),
            call('turn_on_off', { entities: ['switch.coffee_machine'], action: 'turn_on' }),
          ],
        },
        { items: [say('Sorry.')] },
      ],
      async (server) => {
        const { code, events } = await runHeadless(typed(server, 'Turn on the AC and the coffee machine'));
        expect(code).toBe(0);
        expect(toolResults(events).map(outputOf)).toEqual([
          { error: `There is no exposed device called "${UNEXPOSED_ENTITY}".` },
          { error: 'There is no exposed device called "switch.coffee_machine".' },
        ]);
        expect((await home.state(UNEXPOSED_ENTITY)).state).toBe('off');
      },
    );
  });

  it('lock.front_door: unlock is refused until the user confirmed in a later turn', async () => {
    requireSpeechTools();
    await lockFrontDoor();
    const script: ScriptedTurn[] = [
      { userTranscript: 'Unlock the front door.', items: [call('set_lock', unlock)] },
      // The model tries to confirm by itself, in the same turn: the app refuses.
      { items: [call('set_lock', { ...unlock, confirmed: true })] },
      { items: [say('Do you really want me to unlock the front door?', 1500)] },
      { userTranscript: 'Yes.', items: [call('set_lock', { ...unlock, confirmed: true })] },
      { items: [say('The front door is unlocked.', 800)] },
    ];
    const input = await unlockSpeech('unlock', { id: 'yes', text: 'yes, do it', voice: 'en-us', speed: 160 });
    await withServer(script, async (server) => {
      const { events } = await runSpoken(server, input);
      const outputs = toolResults(events).map(outputOf);
      expect(outputs).toHaveLength(3);
      expect(outputs[0]).toMatchObject({ confirmation_required: true, message: expect.stringMatching(/unlock Front Door/) });
      expect(outputs[1]).toMatchObject({ confirmation_required: true, error: expect.stringMatching(/has not answered yet/) });
      expect(outputs[2]!.results[0]).toMatchObject({ id: 'lock.front_door', changed: true });
      // The user turn came between the question and the accepted call.
      const userFinals = events.filter((e) => e.type === 'transcript' && e.role === 'user' && e.final);
      const accepted = toolResults(events)[2]!;
      expect(userFinals.filter((e) => e.t < accepted.t).map((e) => e.text)).toEqual(['Unlock the front door.', 'Yes.']);
      await eventually(
        () => home.state('lock.front_door'),
        (s) => s.state === 'unlocked',
      );
    });
    await home.admin.command('call_service', { domain: 'lock', service: 'lock', target: { entity_id: 'lock.front_door' } });
  }, 90_000);

  /**
   * "Unlock the front door", the question, then the user's spoken answer: espeak-ng speech through
   * the headless runner; the fake server reports `transcript` as its input transcription.
   */
  async function unlockWithAnswer(answer: {
    id: string;
    speech: string;
    voice?: string;
    transcript: string;
    server?: Omit<FakeRealtimeServerOptions, 'script'>;
    env?: Record<string, string>;
  }) {
    requireSpeechTools();
    await lockFrontDoor();
    const script: ScriptedTurn[] = [
      { userTranscript: 'Unlock the front door.', items: [call('set_lock', unlock)] },
      { items: [say('Do you really want me to unlock the front door?', 1500)] },
      { userTranscript: answer.transcript, items: [call('set_lock', { ...unlock, confirmed: true })] },
      { items: [say('All right.', 800)] },
    ];
    const input = await unlockSpeech(`unlock-${answer.id}`, {
      id: answer.id,
      text: answer.speech,
      voice: answer.voice ?? 'en-us',
      speed: 160,
    });
    return withServer(
      script,
      async (server) => {
        const run = await runSpoken(server, input, answer.env);
        const outputs = toolResults(run.events).map(outputOf);
        expect(outputs).toHaveLength(2);
        expect(outputs[0]).toMatchObject({ confirmation_required: true });
        const session = server.log.find((e) => e.direction === 'in' && e.event.type === 'session.update')!.event.session;
        return { ...run, outputs, session, lock: (await home.state('lock.front_door')).state };
      },
      answer.server,
    );
  }

  it('lock.front_door: a spoken "no" leaves it locked', async () => {
    const { outputs, lock } = await unlockWithAnswer({ id: 'no', speech: 'no, leave it', transcript: 'No, leave it.' });
    expect(outputs[1]).toMatchObject({ confirmed: false, error: expect.stringMatching(/the user said no/) });
    expect(lock).toBe('locked');
  }, 90_000);

  it('lock.front_door: an unrelated answer (a TV, another request) leaves it locked', async () => {
    const { outputs, lock } = await unlockWithAnswer({
      id: 'unrelated',
      speech: 'what is the weather tomorrow',
      transcript: "What's the weather like tomorrow?",
    });
    expect(outputs[1]).toMatchObject({ confirmed: false, error: expect.stringMatching(/not a clear yes/) });
    expect(lock).toBe('locked');
  }, 90_000);

  it('lock.front_door: a transcript that arrives after the confirmed call still confirms once it arrives', async () => {
    const { outputs, lock, events } = await unlockWithAnswer({
      id: 'late-yes',
      speech: 'yes, do it',
      transcript: 'Yes, do it.',
      server: { transcriptionDelayMs: 1500 },
    });
    expect(outputs[1]!.results[0]).toMatchObject({ id: 'lock.front_door', changed: true });
    // The order, not the timing: the confirmed call started, then the user's words came, then it ran.
    const confirmedCall = events.filter((e) => e.type === 'tool_call')[1]!;
    const yes = events.find((e) => e.type === 'transcript' && e.role === 'user' && e.final && e.text === 'Yes, do it.')!;
    const result = events.filter((e) => e.type === 'tool_result')[1]!;
    expect(confirmedCall.t).toBeLessThanOrEqual(yes.t);
    expect(events.indexOf(confirmedCall)).toBeLessThan(events.indexOf(yes));
    expect(events.indexOf(yes)).toBeLessThan(events.indexOf(result));
    expect(['unlocked', 'unlocking']).toContain(lock);
    await home.admin.command('call_service', { domain: 'lock', service: 'lock', target: { entity_id: 'lock.front_door' } });
  }, 90_000);

  it('lock.front_door: a French "oui" confirms with transcription language fr', async () => {
    const configDir = join(dir, 'config-fr');
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, 'settings.json'), JSON.stringify({ version: 1, openai: { transcription: { language: 'fr' } } }));
    const { outputs, lock, session } = await unlockWithAnswer({
      id: 'oui',
      speech: 'oui, vas-y',
      voice: 'fr',
      transcript: 'Oui, vas-y.',
      env: { HEARTH_CONFIG_DIR: configDir },
    });
    expect(session.audio.input.transcription).toMatchObject({ language: 'fr' });
    expect(outputs[1]!.results[0]).toMatchObject({ id: 'lock.front_door', changed: true });
    expect(['unlocked', 'unlocking']).toContain(lock);
    await home.admin.command('call_service', { domain: 'lock', service: 'lock', target: { entity_id: 'lock.front_door' } });
  }, 90_000);

  it('Home Assistant restarted mid-conversation: the next tool call succeeds after the reconnect', async () => {
    await home.admin.command('call_service', { domain: 'light', service: 'turn_off', target: { entity_id: 'light.bed_light' } });
    const script: ScriptedTurn[] = [
      { items: [call('turn_on_off', { entities: ['bed light'], action: 'turn_on' })] },
      // After the restart the demo light is off again: this call must change it.
      { items: [call('set_light', { entities: ['bed light'], brightness_pct: 30 })] },
      { items: [say('Done.')] },
    ];
    await withServer(script, async (server) => {
      // Hold the second call back (its arguments stream is paused) until Home Assistant is back.
      let outputs = 0;
      server.on('event', (entry) => {
        if (
          entry.direction === 'in' &&
          entry.event.type === 'conversation.item.create' &&
          entry.event.item?.type === 'function_call_output'
        ) {
          if (++outputs === 1) server.pauseAudio();
        }
      });
      const run = startHeadless(typed(server, 'Bed light on, then off'));
      await eventually(
        async () => outputs,
        (n) => n >= 1,
        20_000,
      );
      expect((await home.state('light.bed_light')).state).toBe('on');
      await home.restart();
      const statuses = await eventually(
        async () => (await readEvents(run.eventsPath)).filter((e) => e.type === 'home_assistant').map((e) => e.status as string),
        (s) => s.length >= 3 && s.at(-1) === 'connected',
        30_000,
      );
      expect(statuses).toEqual(['connected', 'connecting', 'connected']);
      server.resumeAudio();
      const { code, events } = await run.done;
      expect(code).toBe(0);
      const results = toolResults(events).map(outputOf);
      expect(results).toHaveLength(2);
      expect(results[1]!.results[0]).toMatchObject({ id: 'light.bed_light', state: 'on', brightness_pct: 30, changed: true });
      expect(await home.state('light.bed_light')).toMatchObject({ state: 'on', attributes: { brightness: 76 } }); // Home Assistant rounds half to even
    });
  }, 120_000);
});

describe('headless + Home Assistant: bad input gets one clear line and an exit status', () => {
  let server: FakeRealtimeServer;
  beforeAll(async () => {
    server = await createFakeRealtimeServer();
  });
  afterAll(async () => server.close());

  const oneLine = expectOneClearLine;

  it('a wrong token → exit 3', async () => {
    const bad = join(dir, 'bad-token');
    await writeFile(bad, 'not-a-real-token');
    const r = await runHeadless([
      '--ha-url',
      home.ha.url,
      '--ha-token-file',
      bad,
      '--realtime-url',
      server.url,
      '--text',
      'hi',
      '--exit-when-idle',
    ]);
    expect(r.code).toBe(3);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/refused the access token \(auth_invalid\)/);
    expect(r.events.find((e) => e.type === 'error')).toMatchObject({
      source: 'home-assistant',
      category: 'authentication',
      permanent: true,
    });
  });

  it('an unreadable token file → 2; a bad URL → 2; Home Assistant unreachable → 1', async () => {
    const locked = join(dir, 'locked-token');
    await writeFile(locked, home.ha.token);
    await chmod(locked, 0o000);
    const cases: [string[], number, RegExp][] = [
      [
        ['--ha-url', home.ha.url, '--ha-token-file', join(dir, 'missing')],
        2,
        /--ha-token-file .*missing: cannot read the Home Assistant token \(no such file\)/,
      ],
      [['--ha-url', 'ftp://127.0.0.1:8123', '--ha-token-file', tokenFile], 2, /must start with http:\/\/ or https:\/\//],
      [['--ha-url', 'http://127.0.0.1:9', '--ha-token-file', tokenFile], 1, /Cannot reach Home Assistant at http:\/\/127\.0\.0\.1:9/],
      [['--ha-url', home.ha.url], 2, /--ha-url and --ha-token-file go together/],
    ];
    if (process.getuid?.() !== 0) cases.push([['--ha-url', home.ha.url, '--ha-token-file', locked], 2, /permission denied/]);
    for (const [args, status, message] of cases) {
      const r = await runHeadless([...args, '--realtime-url', server.url, '--text', 'hi', '--exit-when-idle']);
      expect(r.code, args.join(' ')).toBe(status);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(message);
    }
  });
});
