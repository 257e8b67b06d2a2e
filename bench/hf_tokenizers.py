"""CPU per token of Hugging Face's Rust `tokenizers` (pip install tokenizers) encoding the texts llmsim's bench sent.

    python3 bench/hf_tokenizers.py TOKENIZER_JSON PROMPTS_JSON [PROMPTS_JSON ...]

Each PROMPTS_JSON is a JSON array of strings (bench/random-prompts.ts writes them). One thread (`encode`, not
`encode_batch`), no special tokens added; the first sixth of each file's texts warms caches (as a running server is
warm) and the rest is measured. Prints one JSON line per file: texts, tokens, cpu_s, us_per_token.
"""
import json, os, sys, time
os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')
from tokenizers import Tokenizer

tok = Tokenizer.from_file(sys.argv[1])
for path in sys.argv[2:]:
    texts = json.load(open(path))
    warm = len(texts) // 6
    for t in texts[:warm]:
        tok.encode(t, add_special_tokens=False)
    tokens = 0
    t0 = time.process_time()
    for t in texts[warm:]:
        tokens += len(tok.encode(t, add_special_tokens=False).ids)
    cpu = time.process_time() - t0
    texts = texts[warm:]
    print(json.dumps({'file': os.path.basename(path), 'texts': len(texts), 'tokens': tokens, 'cpu_s': round(cpu, 4), 'us_per_token': round(cpu * 1e6 / tokens, 4)}))
