"""The back-translator: poses -> spoken-language text, the semantic judge of generated signing.

Built after the two translation papers this project draws on, Sign2GPT and FLa-LLM
(docs/evaluation.md):

- Stage 1 (`stage1`): a spatio-temporal pose encoder (local self-attention, temporal
  down-sampling) learns from Sign2GPT's pseudo-gloss pretraining objective (prototype head,
  BCE against the multi-hot pseudo-gloss set) together with a light translator (FLa-LLM's
  visual initialising stage).
- Stage 2 (`stage2`): the encoder is frozen and a causal language-model decoder learns to
  translate through an adapter and zero-initialised gated cross-attention (FLa-LLM's
  factorised training: training both at once lets the LM dominate and starves the encoder).

It is trained on ground-truth poses only, never on generated ones, so its score on ground truth
is the ceiling a generator can reach. Modules: `features` (pose -> frame features),
`text` (tokenizer), `prototypes` (word vectors), `model`, `train`, `checkpoint`.
"""
