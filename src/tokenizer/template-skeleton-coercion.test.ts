/** @module A list of messages coerced to text (`~`) shows contents JSON-escaped: such a template is rendered by jinja, not a skeleton. */
import { describe, expect, it } from 'vitest';
import { Template } from '@huggingface/jinja';
import { createSkeletonRenderer } from './template-skeleton.ts';

describe('template skeleton', () => {
  it("'~' with a list of messages renders as jinja does", () => {
    const source = "{{ 'conversation: ' ~ messages }}";
    const template = new Template(source);
    const renderer = createSkeletonRenderer(template, source, '', '');
    const context = (content: string) => ({
      messages: [{ role: 'user', content }],
      add_generation_prompt: false,
      tools: null,
      documents: null,
      bos_token: '',
      eos_token: '',
    });
    for (const content of ['plain', 'a "quoted"\nline']) {
      const reused = renderer.render([{ role: 'user', content }], { addGenerationPrompt: false });
      expect(reused ?? template.render(context(content))).toBe(template.render(context(content)));
    }
  });
});
