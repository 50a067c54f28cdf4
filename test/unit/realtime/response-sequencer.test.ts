import { describe, expect, it } from 'vitest';
import { REQUEST_METADATA_KEY, ResponseSequencer } from '../../../main/realtime/response-sequencer.js';
import type { ClientEvent } from '../../../main/realtime/protocol-types.js';

function setup() {
  const sent: ClientEvent[] = [];
  return { sent, sequencer: new ResponseSequencer((e) => sent.push(e)) };
}
const creates = (sent: ClientEvent[]) => sent.filter((e) => e.type === 'response.create').length;

describe('ResponseSequencer', () => {
  it('sends at once when nothing is active', () => {
    const { sent, sequencer } = setup();
    sequencer.request();
    expect(creates(sent)).toBe(1);
    expect(sequencer.busy).toBe(true);
  });

  it('queues a request made during a response and sends it after response.done', () => {
    const { sent, sequencer } = setup();
    sequencer.onResponseCreated('resp_1');
    sequencer.request();
    sequencer.request();
    expect(creates(sent)).toBe(0);
    sequencer.onResponseDone('resp_1');
    expect(creates(sent)).toBe(1);
  });

  it('treats conversation_already_has_active_response as a signal to wait, not a failure', () => {
    const { sent, sequencer } = setup();
    sequencer.request();
    const eventId = (sent[0] as { event_id: string }).event_id;
    // VAD started a response while ours was in flight: ours is refused and must follow it.
    sequencer.onResponseCreated('resp_vad');
    expect(sequencer.onError('conversation_already_has_active_response', eventId)).toBe(true);
    sequencer.onResponseDone('resp_vad');
    expect(creates(sent)).toBe(2);
  });

  it('does not ask twice when a later response already covers the request', () => {
    const { sent, sequencer } = setup();
    sequencer.request();
    sequencer.onResponseCreated('resp_ours');
    sequencer.onResponseDone('resp_ours');
    expect(creates(sent)).toBe(1);
    expect(sequencer.busy).toBe(false);
  });

  it('ignores errors that are not about its request', () => {
    const { sequencer } = setup();
    expect(sequencer.onError('response_cancel_not_active', undefined)).toBe(false);
  });

  it('re-sends a waiting request on a new session when asked to', () => {
    const { sent, sequencer } = setup();
    sequencer.onResponseCreated('resp_1');
    sequencer.request();
    sequencer.reset({ resend: true });
    expect(creates(sent)).toBe(1);
    sequencer.reset({ resend: false });
    expect(sequencer.busy).toBe(false);
  });

  it('names each request in response.metadata, and a response carrying that name settles it', () => {
    const { sent, sequencer } = setup();
    sequencer.request();
    const create = sent[0] as { event_id: string; response: { metadata: Record<string, string> } };
    expect(create.response.metadata).toEqual({ [REQUEST_METADATA_KEY]: create.event_id });
    sequencer.onResponseCreated('resp_ours', create.event_id);
    expect(sequencer.requestInFlight).toBe(false);
    // A stray active-response error without an event id is then about something else.
    expect(sequencer.onError('conversation_already_has_active_response', undefined)).toBe(false);
    sequencer.onResponseDone('resp_ours');
    expect(creates(sent)).toBe(1);
    expect(sequencer.busy).toBe(false);
  });

  it('an active-response error without an event id is a refusal of its request only while another response is active', () => {
    const { sent, sequencer } = setup();
    sequencer.request();
    // Nothing is known to be active: the server would have announced the response first.
    expect(sequencer.onError('conversation_already_has_active_response', undefined)).toBe(false);
    expect(creates(sent)).toBe(1);
    sequencer.onResponseCreated('resp_vad'); // no metadata: not ours
    expect(sequencer.onError('conversation_already_has_active_response', undefined)).toBe(true);
    sequencer.onResponseDone('resp_vad');
    expect(creates(sent)).toBe(2);
  });
});
