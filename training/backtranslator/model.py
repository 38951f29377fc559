"""The back-translator's networks: pose encoder, prototype head, light translator, causal LM.

Read top to bottom: `PoseEncoder` (local self-attention + stride-2 down-sampling),
`PrototypeHead` (Sign2GPT's pseudo-gloss pretraining head), `LightTranslator` (FLa-LLM's
stage-1 translator), `CausalLM` (a GPT-style decoder whose blocks hold zero-initialised gated
cross-attention, Flamingo-style, so it starts as a pure language model), and `BackTranslator`,
which owns them all plus the adapter between encoder and LM.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .features import FEATURE_DIM


@dataclass
class ModelConfig:
    d_model: int = 64            # pose encoder width
    heads: int = 4
    enc_blocks: int = 1          # local-attention blocks at each time resolution
    downsample: int = 2          # stride-2 stages: frames / 2**downsample encoder steps
    window: int = 8              # local attention radius, in steps of the current resolution
    vec_dim: int = 64            # word-vector prototype size
    proto_temperature: float = 0.1
    light_layers: int = 1
    lm_d_model: int = 64
    lm_heads: int = 4
    lm_layers: int = 2
    dropout: float = 0.1
    vocab_size: int = 1000       # tokenizer size (the trained tokenizer's actual size is used)
    max_text_tokens: int = 48


def sinusoid(length: int, dim: int, device=None) -> torch.Tensor:
    pos = torch.arange(length, device=device, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, dim, 2, device=device, dtype=torch.float32)
                     * (-math.log(10000.0) / dim))
    out = torch.zeros(length, dim, device=device)
    out[:, 0::2] = torch.sin(pos * freq)
    out[:, 1::2] = torch.cos(pos * freq)[:, :dim // 2]
    return out


def _ffn(d: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Dropout(dropout), nn.Linear(4 * d, d))


class LocalBlock(nn.Module):
    """Pre-norm transformer block whose attention sees only frames within `window` steps."""

    def __init__(self, d: int, heads: int, window: int, dropout: float):
        super().__init__()
        self.heads, self.window = heads, window
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, dropout=dropout, batch_first=True)
        self.ff = _ffn(d, dropout)

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        t = x.shape[1]
        idx = torch.arange(t, device=x.device)
        blocked = ((idx[None, :] - idx[:, None]).abs() > self.window)[None] | pad[:, None, :]
        blocked &= ~torch.eye(t, dtype=torch.bool, device=x.device)  # never an empty row
        mask = blocked.repeat_interleave(self.heads, dim=0)
        h = self.norm1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        x = x + self.ff(self.norm2(x))
        return x.masked_fill(pad[..., None], 0.0)


class PoseEncoder(nn.Module):
    """Frame features (B, T, F) -> (B, T / 2**downsample, d) with the matching padding mask."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.d_model
        self.inp = nn.Sequential(nn.Linear(FEATURE_DIM, d), nn.GELU(), nn.Linear(d, d))
        self.stages = nn.ModuleList(
            nn.ModuleList(LocalBlock(d, cfg.heads, cfg.window, cfg.dropout)
                          for _ in range(cfg.enc_blocks)) for _ in range(cfg.downsample + 1))
        self.down = nn.ModuleList(nn.Conv1d(d, d, 3, stride=2, padding=1)
                                  for _ in range(cfg.downsample))
        self.norm = nn.LayerNorm(d)

    def forward(self, feats: torch.Tensor, pad: torch.Tensor):
        x = self.inp(feats) + sinusoid(feats.shape[1], self.norm.normalized_shape[0], feats.device)
        x = x.masked_fill(pad[..., None], 0.0)
        for i, blocks in enumerate(self.stages):
            for block in blocks:
                x = block(x, pad)
            if i < len(self.down):
                x = self.down[i](x.transpose(1, 2)).transpose(1, 2)
                pad = pad[:, ::2]
                x = x.masked_fill(pad[..., None], 0.0)
        return self.norm(x), pad


class PrototypeHead(nn.Module):
    """Sign2GPT's pseudo-gloss head: P(gloss occurs in the clip) for every gloss.

    Cosine similarity of projected features to frozen unit prototypes plus a zero "none"
    prototype (cosine 0), divided by a temperature; softmax over classes x softmax over time,
    summed over time.
    """

    def __init__(self, d: int, prototypes: torch.Tensor, temperature: float):
        super().__init__()
        self.proj = nn.Linear(d, prototypes.shape[1])
        self.register_buffer("prototypes", F.normalize(prototypes.float(), dim=-1))
        self.temperature = temperature

    def forward(self, h: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        cos = F.normalize(self.proj(h), dim=-1) @ self.prototypes.T
        logits = torch.cat([cos, torch.zeros_like(cos[..., :1])], dim=-1) / self.temperature
        p_class = logits.softmax(-1)
        p_time = logits.masked_fill(pad[..., None], float("-inf")).softmax(1)
        return (p_class * p_time).sum(1)[..., :-1]


class LightTranslator(nn.Module):
    """A one-layer transformer decoder over the encoder: FLa-LLM's stage-1 translator."""

    def __init__(self, cfg: ModelConfig, vocab: int):
        super().__init__()
        d = cfg.d_model
        self.emb = nn.Embedding(vocab, d, padding_idx=0)
        layer = nn.TransformerDecoderLayer(d, cfg.heads, 4 * d, cfg.dropout, batch_first=True,
                                           norm_first=True)
        self.dec = nn.TransformerDecoder(layer, cfg.light_layers)
        self.out = nn.Linear(d, vocab)

    def forward(self, tokens, memory, mem_pad):
        x = self.emb(tokens) + sinusoid(tokens.shape[1], self.emb.embedding_dim, tokens.device)
        causal = nn.Transformer.generate_square_subsequent_mask(tokens.shape[1], device=tokens.device)
        return self.out(self.dec(x, memory, tgt_mask=causal, tgt_is_causal=True,
                                 memory_key_padding_mask=mem_pad))


class GatedCrossAttention(nn.Module):
    """x + tanh(gate) * CrossAttn(x, memory); gate starts at 0, so the LM starts unchanged."""

    def __init__(self, d: int, heads: int, dropout: float):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, dropout=dropout, batch_first=True)
        self.gate = nn.Parameter(torch.zeros(1))

    def forward(self, x, memory, mem_pad):
        out = self.attn(self.norm(x), memory, memory, key_padding_mask=mem_pad, need_weights=False)
        return x + torch.tanh(self.gate) * out[0]


class LMBlock(nn.Module):
    def __init__(self, d: int, heads: int, dropout: float):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, dropout=dropout, batch_first=True)
        self.xattn = GatedCrossAttention(d, heads, dropout)
        self.ff = _ffn(d, dropout)

    def forward(self, x, causal, memory=None, mem_pad=None):
        h = self.norm1(x)
        x = x + self.attn(h, h, h, attn_mask=causal, is_causal=True, need_weights=False)[0]
        if memory is not None:
            x = self.xattn(x, memory, mem_pad)
        return x + self.ff(self.norm2(x))


class CausalLM(nn.Module):
    """A small GPT-style decoder; without memory it is a plain language model."""

    def __init__(self, cfg: ModelConfig, vocab: int):
        super().__init__()
        d = cfg.lm_d_model
        self.tok = nn.Embedding(vocab, d, padding_idx=0)
        self.pos = nn.Embedding(cfg.max_text_tokens, d)
        self.blocks = nn.ModuleList(LMBlock(d, cfg.lm_heads, cfg.dropout)
                                    for _ in range(cfg.lm_layers))
        self.norm = nn.LayerNorm(d)

    def forward(self, tokens, memory=None, mem_pad=None):
        n = tokens.shape[1]
        x = self.tok(tokens) + self.pos(torch.arange(n, device=tokens.device))
        causal = nn.Transformer.generate_square_subsequent_mask(n, device=tokens.device)
        for block in self.blocks:
            x = block(x, causal, memory, mem_pad)
        return self.norm(x) @ self.tok.weight.T  # tied output embedding

    def cross_attention_parameters(self):
        return [p for b in self.blocks for p in b.xattn.parameters()]


class BackTranslator(nn.Module):
    def __init__(self, cfg: ModelConfig, vocab: int, prototypes: torch.Tensor):
        super().__init__()
        self.cfg = cfg
        self.encoder = PoseEncoder(cfg)
        self.proto_head = PrototypeHead(cfg.d_model, prototypes, cfg.proto_temperature)
        self.light = LightTranslator(cfg, vocab)
        self.adapter = nn.Sequential(nn.LayerNorm(cfg.d_model), nn.Linear(cfg.d_model, cfg.lm_d_model),
                                     nn.GELU(), nn.Linear(cfg.lm_d_model, cfg.lm_d_model))
        self.lm = CausalLM(cfg, vocab)

    def stage1_losses(self, feats, pad, tokens, multi_hot):
        h, hpad = self.encoder(feats, pad)
        ce = F.cross_entropy(self.light(tokens[:, :-1], h, hpad).transpose(1, 2), tokens[:, 1:],
                             ignore_index=0)
        if multi_hot.shape[1] == 0:
            return ce, torch.zeros((), device=feats.device)
        prob = self.proto_head(h, hpad).clamp(1e-6, 1 - 1e-6)
        return ce, F.binary_cross_entropy(prob, multi_hot)

    def stage2_loss(self, feats, pad, tokens):
        with torch.no_grad():
            h, hpad = self.encoder(feats, pad)
        logits = self.lm(tokens[:, :-1], self.adapter(h), hpad)
        return F.cross_entropy(logits.transpose(1, 2), tokens[:, 1:], ignore_index=0)

    def lm_loss(self, tokens):
        return F.cross_entropy(self.lm(tokens[:, :-1]).transpose(1, 2), tokens[:, 1:],
                               ignore_index=0)

    @torch.no_grad()
    def translate_ids(self, feats, pad, use_lm: bool, bos: int, eos: int) -> list[list[int]]:
        """Greedy decoding, batched; stops at EOS or `max_text_tokens`."""
        h, hpad = self.encoder(feats, pad)
        memory = self.adapter(h) if use_lm else h
        decoder = self.lm if use_lm else self.light
        tokens = torch.full((feats.shape[0], 1), bos, dtype=torch.long, device=feats.device)
        done = torch.zeros(feats.shape[0], dtype=torch.bool, device=feats.device)
        for _ in range(self.cfg.max_text_tokens - 1):
            nxt = decoder(tokens, memory, hpad)[:, -1].argmax(-1)
            nxt = nxt.masked_fill(done, eos)
            tokens = torch.cat([tokens, nxt[:, None]], dim=1)
            done |= nxt == eos
            if done.all():
                break
        return [row[1:].tolist() for row in tokens]
