#!/usr/bin/env python3
"""Ratios of Locus to the PyTorch peer from the JSONs peer-compare.sh wrote: <out>.json (every figure and ratio, per
round) and <out>.md (a short table). Time ratios are Locus / peer (below 1: Locus faster); throughput ratios are
Locus tokens/s / peer tokens/s (above 1: Locus faster); both from the medians over the repeats, and from the minima.
The JSON also keeps both sides' own JSON documents of every round (under "raw")."""
import argparse
import json
import os


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def peer_name(model):
    return "bert-base-uncased" if model == "bert-base" else model


# (measure, peer key, Locus mode, kind): kind "time" compares seconds per step, "rate" tokens/s
MEASURES = [
    ("train full fp32", "train_full", "full", "time"),
    ("train LoRA fp32", "train_lora", "lora", "time"),
    ("train LoRA mixed (Locus) vs LoRA fp32 (peer)", "train_lora", "lora-mixed", "time"),
    ("inference fp32", "infer_fp32", "infer-fp32", "rate"),
    ("inference bf16: Locus whole model bf16 vs peer autocast", "infer_bf16", "infer-bf16", "rate"),
    ("inference bf16: Locus mixed vs peer autocast", "infer_bf16", "infer-mixed", "rate"),
]


def round_figures(peer_doc, locus_doc, model):
    peer = peer_doc["results"].get(peer_name(model), {}) if peer_doc else {}
    locus = locus_doc["results"][0]["modes"] if locus_doc and locus_doc.get("results") else {}
    out = {"measures": {}, "memory_mib": {}}
    for label, pkey, lmode, kind in MEASURES:
        p, l = peer.get(pkey), locus.get(lmode)
        if not p or "median_s" not in p or not l:
            continue
        m = {"peer_median_s": p["median_s"], "peer_min_s": p["min_s"], "locus_median_s": l["median_seconds"],
             "locus_min_s": l["min_seconds"], "peer_tok_per_s_median": p["tok_per_s_median"],
             "locus_tok_per_s_median": l["tokens_per_second_median"],
             "peer_background_cores_during": p["cpu"].get("background_cores_during")}
        if kind == "time":
            m["time_ratio_median"] = l["median_seconds"] / p["median_s"]
            m["time_ratio_min"] = l["min_seconds"] / p["min_s"]
        else:
            m["tok_per_s_ratio_median"] = l["tokens_per_second_median"] / p["tok_per_s_median"]
            m["tok_per_s_ratio_best"] = l["tokens_per_second_best"] / p["tok_per_s_best"]
        out["measures"][label] = m
    for mode, pkey in (("full", "mem_full"), ("lora", "mem_lora")):
        p, l = peer.get(pkey), locus.get(mode)
        if p and "rss" in p and l:
            out["memory_mib"][mode] = {"peer_vmhwm": p["rss"]["peak_vmhwm_mib"], "locus_vmhwm": l["peak_rss_mib"],
                                       "locus_over_peer": l["peak_rss_mib"] / p["rss"]["peak_vmhwm_mib"]}
    mem = out["memory_mib"]
    if "full" in mem and "lora" in mem:
        out["lora_peak_percent_of_full"] = {"peer": 100 * mem["lora"]["peer_vmhwm"] / mem["full"]["peer_vmhwm"],
                                            "locus": 100 * mem["lora"]["locus_vmhwm"] / mem["full"]["locus_vmhwm"]}
    return out


def fmt(values, spec):
    return " / ".join(format(v, spec) for v in values) if values else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    for name in ("work", "models", "out", "started", "load-before", "load-after", "isolation", "settings", "command", "commit"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--rounds", type=int, required=True)
    a = ap.parse_args()
    models = a.models.split()
    doc = {"command": a.command, "commit": a.commit, "started_utc": a.started, "load_average_before": a.load_before, "load_average_after": a.load_after,
           "isolation": a.isolation, "settings": a.settings,
           "note": "peer: torch 1.13.1 (Debian) with OpenBLAS for fp32 and oneDNN for bf16 autocast; Locus: libtorch 2.10 "
                   "(TorchSharp) with MKL. Ratios are Locus / peer within one round (peer then Locus, back to back).",
           "models": {}, "raw": {}}
    lines = [f"`{a.command}` at commit {a.commit}.",
             f"Interleaved run started {a.started} UTC; load average before {a.load_before}, after {a.load_after}.",
             f"Settings: {a.settings}. Isolation: {a.isolation}.",
             "Each cell: one figure per round (peer then Locus, back to back), median over the repeats.", "",
             "| model | measure | peer | Locus | Locus / peer |", "|---|---|---|---|---|"]
    for model in models:
        rounds = []
        for r in range(1, a.rounds + 1):
            peer_doc = load(os.path.join(a.work, f"peer-{model}-{r}.json"))
            locus_doc = load(os.path.join(a.work, f"locus-{model}-{r}.json"))
            if peer_doc is None or locus_doc is None:
                continue
            fig = round_figures(peer_doc, locus_doc, model)
            fig["round"] = r
            fig["peer_loadavg"] = [peer_doc["meta"].get("loadavg_start"), peer_doc["meta"].get("loadavg_end")]
            fig["locus_loadavg"] = locus_doc.get("load_average")
            rounds.append(fig)
            doc["raw"].setdefault(model, []).append({"round": r, "peer": peer_doc, "locus": locus_doc})
        doc["models"][model] = rounds
        if not rounds:
            continue
        for label, _, _, kind in MEASURES:
            ms = [f["measures"][label] for f in rounds if label in f["measures"]]
            if not ms:
                continue
            if kind == "time":
                lines.append(f"| {model} | {label}, s/step | {fmt([m['peer_median_s'] for m in ms], '.2f')} | "
                             f"{fmt([m['locus_median_s'] for m in ms], '.2f')} | {fmt([m['time_ratio_median'] for m in ms], '.2f')}x time |")
            else:
                lines.append(f"| {model} | {label}, tokens/s | {fmt([m['peer_tok_per_s_median'] for m in ms], '.0f')} | "
                             f"{fmt([m['locus_tok_per_s_median'] for m in ms], '.0f')} | {fmt([m['tok_per_s_ratio_median'] for m in ms], '.2f')}x tokens/s |")
        for mode in ("full", "lora"):
            ms = [f["memory_mib"][mode] for f in rounds if mode in f["memory_mib"]]
            if ms:
                lines.append(f"| {model} | peak RSS {mode} training, MiB | {fmt([m['peer_vmhwm'] for m in ms], '.0f')} | "
                             f"{fmt([m['locus_vmhwm'] for m in ms], '.0f')} | {fmt([m['locus_over_peer'] for m in ms], '.2f')}x |")
        ps = [f["lora_peak_percent_of_full"] for f in rounds if "lora_peak_percent_of_full" in f]
        if ps:
            lines.append(f"| {model} | LoRA peak as % of full peak | {fmt([p['peer'] for p in ps], '.0f')} % | "
                         f"{fmt([p['locus'] for p in ps], '.0f')} % | |")
    background = [m["peer_background_cores_during"] for rounds in doc["models"].values() for f in rounds
                  for m in f["measures"].values() if m.get("peer_background_cores_during") is not None]
    if background:
        lines[3:3] = [f"Cores busy with other processes while the peer's timed loops ran (peer_bench's bg cores; "
                      f"Locus does not measure it): {min(background):.2f}-{max(background):.2f}."]
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out + ".json", "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    with open(a.out + ".md", "w") as f:
        f.write("# Locus vs the PyTorch peer (bench/scripts/peer-compare.sh)\n\n" + "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
