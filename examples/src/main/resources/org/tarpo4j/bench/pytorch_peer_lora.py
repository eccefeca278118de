#!/usr/bin/python3
"""The PyTorch peer with LoRA: shared/bench/pytorch_peer.py's decoder (imported from PEER_DIR, not copied) with
rank-r adapters on q, k, v, o, gate, up and down (y = x W^T + alpha/r * (x A^T) B^T, as PEFT), the base weights
frozen (no gradient, no optimizer state), Adam over the adapters only: the twin of `tarpo bench --lora`.

Usage: pytorch_peer_lora.py PEER_DIR (--model DIR | --config CONFIG.json) [--batch B] [--prompt-len P]
       [--new-tokens N] [--train-len T] [--threads K] [--repeats R] [--rank 32] [--alpha 64]
Prints one JSON line with the fields of pytorch_peer.py.
"""
import argparse, glob, json, math, os, resource, sys, time
sys.path.insert(0, sys.argv.pop(1))
import torch
import pytorch_peer as peer

PROJECTIONS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")


class LoraDecoder(peer.Decoder):
    def __init__(self, c, W, rank, alpha):
        super().__init__(c, W)
        for p in self.parameters(): p.requires_grad_(False)
        self.scale = alpha / rank
        self.lora = torch.nn.ParameterDict()
        g = torch.Generator().manual_seed(1)
        for l in range(c["num_hidden_layers"]):
            for n in PROJECTIONS:
                w = self.w(f"model.layers.{l}.{n}.weight"); out_f, in_f = w.shape
                a = (torch.rand(rank, in_f, generator=g) * 2 - 1) / math.sqrt(in_f)   # PEFT's kaiming-uniform bound
                b = torch.randn(out_f, rank, generator=g) * 0.01                      # non-zero, so A trains too
                self.lora[f"{l}/{n}/A".replace(".", "_")] = torch.nn.Parameter(a)
                self.lora[f"{l}/{n}/B".replace(".", "_")] = torch.nn.Parameter(b)

    def lin(self, h, l, n):
        y = h @ self.w(f"model.layers.{l}.{n}.weight").T
        a, b = self.lora[f"{l}/{n}/A".replace(".", "_")], self.lora[f"{l}/{n}/B".replace(".", "_")]
        return y + self.scale * ((h @ a.T) @ b.T)

    def forward(self, ids, pos0=0, cache=None):  # pytorch_peer.Decoder.forward with each projection adapted
        c = self.c; B, T = ids.shape; H, KV, hd = c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
        x = torch.nn.functional.embedding(ids, self.w("model.embed_tokens.weight"))
        fr = torch.outer(torch.arange(pos0, pos0 + T).float(), self.inv_freq); emb = torch.cat((fr, fr), -1)
        cos, sin = emb.cos(), emb.sin()
        rot = lambda t: torch.cat((-t[..., hd // 2:], t[..., :hd // 2]), -1)
        new_cache = []
        for l in range(c["num_hidden_layers"]):
            p = f"model.layers.{l}."
            h = self.rms(x, p + "input_layernorm.weight")
            def proj(n, heads):
                y = self.lin(h, l, f"self_attn.{n}_proj")
                if self.has(p + f"self_attn.{n}_proj.bias"): y = y + self.w(p + f"self_attn.{n}_proj.bias")
                return y.view(B, T, heads, hd).transpose(1, 2)
            q, k, v = proj("q", H), proj("k", KV), proj("v", KV)
            q = q * cos + rot(q) * sin; k = k * cos + rot(k) * sin
            if cache is not None: k = torch.cat((cache[l][0], k), 2); v = torch.cat((cache[l][1], v), 2)
            new_cache.append((k, v))
            kr, vr = k.repeat_interleave(H // KV, 1), v.repeat_interleave(H // KV, 1)
            s = q @ kr.transpose(-1, -2) / math.sqrt(hd)
            if T > 1: s = s + torch.full((T, kr.shape[2]), float("-inf")).triu(kr.shape[2] - T + 1)
            a = torch.softmax(s, -1) @ vr
            x = x + self.lin(a.transpose(1, 2).reshape(B, T, H * hd), l, "self_attn.o_proj")
            h = self.rms(x, p + "post_attention_layernorm.weight")
            g = torch.nn.functional.silu(self.lin(h, l, "mlp.gate_proj")) * self.lin(h, l, "mlp.up_proj")
            x = x + self.lin(g, l, "mlp.down_proj")
        x = self.rms(x, "model.norm.weight")
        head = self.w("model.embed_tokens.weight") if c.get("tie_word_embeddings", False) else self.w("lm_head.weight")
        return x @ head.T, new_cache


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model"); ap.add_argument("--config")
    ap.add_argument("--batch", type=int, default=8); ap.add_argument("--prompt-len", type=int, default=64)
    ap.add_argument("--new-tokens", type=int, default=64); ap.add_argument("--train-len", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1); ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rank", type=int, default=32); ap.add_argument("--alpha", type=float, default=64)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    if a.model:
        c = json.load(open(os.path.join(a.model, "config.json"))); W = {}
        for f in sorted(glob.glob(os.path.join(a.model, "model*.safetensors"))): W.update(peer.read_safetensors(f))
    else:
        c = json.load(open(a.config)); W = peer.random_weights(c)
    c.setdefault("head_dim", c["hidden_size"] // c["num_attention_heads"])
    m = LoraDecoder(c, W, a.rank, a.alpha); V = c["vocab_size"]; B = a.batch
    ids = torch.randint(0, V, (B, a.prompt_len))
    with torch.no_grad():
        t_pre = peer.best(lambda: m(ids), a.repeats)
        def decode():
            logits, cache = m(ids); nxt = logits[:, -1].argmax(-1, keepdim=True)
            for i in range(a.new_tokens):
                logits, cache = m(nxt, a.prompt_len + i, cache); nxt = logits[:, -1].argmax(-1, keepdim=True)
        t_dec = peer.best(decode, a.repeats) - t_pre
    opt = torch.optim.Adam(m.lora.parameters(), lr=1e-4); tr = torch.randint(0, V, (B, a.train_len + 1))
    def step():
        logits, _ = m(tr[:, :-1]); loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), tr[:, 1:].reshape(-1))
        opt.zero_grad(); loss.backward(); opt.step()
    step(); t_tr = peer.best(step, a.repeats)
    n = 2048; x = torch.randn(n, n); y = torch.randn(n, n); x @ y
    t_mm = peer.best(lambda: x @ y, a.repeats)
    print(json.dumps({"engine": f"pytorch-{torch.__version__}-lora", "threads": a.threads, "batch": B,
        "params": sum(p.numel() for p in m.parameters()), "lora_rank": a.rank,
        "prefill_tok_s": B * a.prompt_len / t_pre, "decode_tok_s": B * a.new_tokens / t_dec,
        "train_tok_s": B * a.train_len / t_tr, "gemm_gflop_s": 2 * n ** 3 / t_mm / 1e9,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
