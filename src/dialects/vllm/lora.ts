/** @module vLLM runtime LoRA management: `POST /v1/load_lora_adapter` and `/v1/unload_lora_adapter` (plain-text success, `InvalidUserInput` errors). */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ServerContext, ServedModel } from '../../serving/context.ts';
import { ApiError } from '../../protocol/errors.ts';
import { parseWith, pStr, opt } from '../../protocol/fields.ts';
import { readJsonObject } from '../../http/json-body.ts';
import type { AppEnv } from '../../http/request-env.ts';

const LoadSchema = z.looseObject({ lora_name: pStr(), lora_path: pStr(), base_model_name: opt(pStr()) });
const UnloadSchema = z.looseObject({ lora_name: pStr(), lora_int_id: opt(z.int()) });

const invalid = (message: string): ApiError => new ApiError(400, 'InvalidUserInput', message);

export function loraRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/v1/load_lora_adapter', async (c) => {
    const r = parseWith(LoadSchema, await readJsonObject(c));
    if (!r.lora_name || !r.lora_path) throw invalid("Both 'lora_name' and 'lora_path' must be provided.");
    if (ctx.models.some((m) => m.loras.has(r.lora_name) || m.aliases.includes(r.lora_name)))
      throw invalid(`The lora adapter '${r.lora_name}' has already been loaded.`);
    const base = baseModel(ctx, r.base_model_name);
    base.loras.set(r.lora_name, r.lora_path);
    ctx.configVersion++;
    return c.text(`Success: LoRA adapter '${r.lora_name}' added successfully.`);
  });
  app.post('/v1/unload_lora_adapter', async (c) => {
    const r = parseWith(UnloadSchema, await readJsonObject(c));
    const owner = ctx.models.find((m) => m.loras.has(r.lora_name));
    if (!owner) throw new ApiError(404, 'NotFoundError', `The lora adapter '${r.lora_name}' cannot be found.`);
    owner.loras.delete(r.lora_name);
    ctx.configVersion++;
    return c.text(`Success: LoRA adapter '${r.lora_name}' removed successfully.`);
  });
  return app;
}

function baseModel(ctx: ServerContext, name: string | null | undefined): ServedModel {
  if (!name) return ctx.models[0] as ServedModel;
  const hit = ctx.models.find((m) => m.aliases.includes(name));
  if (!hit) throw invalid(`The base model '${name}' is not served.`);
  return hit;
}
