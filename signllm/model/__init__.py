"""The SignLLM model: a Progressive-Transformers-lineage encoder-decoder (see docs/model.md).

- `config`: sizes (tiny ... base) as one dataclass.
- `tokenizer`: the subword tokenizer trained on the corpus glosses, stored in the checkpoint.
- `network`: encoder-decoder groups (MLSF: one per language; Prompt2LangGloss: one shared) with a
  per-layer key/value cache for incremental decoding.
- `decoding`: batched and streaming generation that stops on the model's own counter.
- `checkpoint`: the checkpoint dict (data only, `torch.load(weights_only=True)`), atomic writes.
- `generator`: the `signllm.generation.Generator` the CLI and server use.
"""
