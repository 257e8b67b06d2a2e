/** @module vLLM `POST /tokenize` (prompt or chat messages, template applied) and `POST /detokenize`. */
import { Hono } from 'hono';
import { resolveModel, type ServerContext } from '../../serving/context.ts';
import { TokenizeRequestSchema, DetokenizeRequestSchema } from '../../protocol/tokenize.ts';
import { parseWith } from '../../protocol/fields.ts';
import { errors, valueError } from '../../protocol/errors.ts';
import { readJsonObject } from '../../http/json-body.ts';
import { chatPromptIds } from '../../pipeline/prompt.ts';
import { requestTemplate } from '../../serving/safety.ts';

export function tokenizeRoute(ctx: ServerContext): Hono {
  const app = new Hono();
  app.post('/tokenize', async (c) => {
    const r = parseWith(TokenizeRequestSchema, await readJsonObject(c));
    if (r.continue_final_message && r.add_generation_prompt) throw valueError('Cannot set both `continue_final_message` and `add_generation_prompt` to True.');
    const model = resolveModel(ctx, r.model);
    let tokens: number[];
    if (r.messages) {
      const options = {
        addGenerationPrompt: r.add_generation_prompt ?? true,
        continueFinalMessage: r.continue_final_message ?? false,
        tools: r.tools ?? null,
        ...requestTemplate(ctx.settings.safety, r.chat_template, r.chat_template_kwargs),
        kwargs: r.chat_template_kwargs ?? null,
      };
      tokens = chatPromptIds(model, r.messages, options, r.add_special_tokens ?? false);
    } else {
      tokens = model.tokenizer.encode(r.prompt ?? '', r.add_special_tokens ?? true);
    }
    return c.json({
      count: tokens.length,
      max_model_len: model.maxModelLen,
      tokens,
      token_strs: r.return_token_strs ? tokens.map((id) => model.tokenizer.tokenString(id)) : null,
    });
  });
  app.post('/detokenize', async (c) => {
    const r = parseWith(DetokenizeRequestSchema, await readJsonObject(c));
    const model = resolveModel(ctx, r.model);
    for (const id of r.tokens) if (id < 0 || id >= model.tokenizer.vocabSize) throw errors.tokenOutOfVocab(id, model.tokenizer.vocabSize);
    return c.json({ prompt: model.tokenizer.decode(r.tokens, false) });
  });
  return app;
}
