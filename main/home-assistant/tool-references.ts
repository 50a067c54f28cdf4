import { z } from 'zod';
import { MAX_GROUP_SIZE, type ExposedEntity, type ExposedHome } from './exposed-home.js';
import { toolsForDomain } from './domain-tools.js';

/**
 * How the Home Assistant tools name entities: the argument schema for references, and the resolution
 * of references to exposed entities, refusing with a sentence that leaks nothing unexposed.
 */

export const MAX_REFS = 10;
export const ref = z.string().max(200, 'each entity reference must be at most 200 characters');
export const refs = (what: string) =>
  z
    .array(ref)
    .min(1, 'name at least one entity')
    .max(MAX_REFS, `at most ${MAX_REFS} entities per call`)
    .describe(`${what}: entity ids from the home summary (best), or names, aliases or "area + type" such as "kitchen lights".`);
/** An optional percentage, refused outside 0..100 with "<what> must be between 0 and 100 %". */
export const percent = (what: string) => {
  const message = `${what} must be between 0 and 100 %`;
  return z.number().min(0, message).max(100, message).optional();
};
/** The flag a tool is called again with once the user said yes. */
export const confirmed = z
  .boolean()
  .optional()
  .describe('true only when a previous call answered confirmation_required and the user has since said yes.');

export type Refusal = { error: string };
export type Resolved = { ok: true; entities: ExposedEntity[] } | { ok: false; refusal: Refusal };

export function article(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

export function quote(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return `"${clean.length > 60 ? `${clean.slice(0, 57)}...` : clean}"`;
}

/** References → exposed entities of the allowed domains, or a refusal that leaks nothing unexposed. */
export function resolveRefs(home: ExposedHome, references: readonly string[], domains?: readonly string[]): Resolved {
  const found = new Map<string, ExposedEntity>();
  for (const reference of references) {
    const resolution = home.resolve(reference, domains);
    switch (resolution.kind) {
      case 'found':
        for (const e of resolution.entities) found.set(e.id, e);
        break;
      case 'not_found':
        return { ok: false, refusal: { error: `There is no exposed device called ${quote(reference)}.` } };
      case 'ambiguous':
        return {
          ok: false,
          refusal: {
            error: `${quote(reference)} could mean ${resolution.candidates.map((c) => `${c.name} (${c.id})`).join(', ')}. Ask which one, or call again with an id.`,
          },
        };
      case 'wrong_domain': {
        const e = resolution.entity;
        const tool = toolsForDomain(e.domain).join(' or ');
        return {
          ok: false,
          refusal: {
            error: `${e.name} (${e.id}) is ${article(e.domain.replace(/_/g, ' '))}${tool ? `; use ${tool} for it` : ' and this tool cannot control it'}.`,
          },
        };
      }
      case 'too_many':
        return {
          ok: false,
          refusal: { error: `${quote(reference)} matches ${resolution.count} devices; be more specific (an area or names).` },
        };
    }
  }
  if (found.size > MAX_GROUP_SIZE) return { ok: false, refusal: { error: `That is ${found.size} devices at once; be more specific.` } };
  return { ok: true, entities: [...found.values()] };
}
