#!/usr/bin/env python3
"""Prepares the few-shot specialisation benchmark from ../shared/data (see bench/scripts/specialize-table.sh).

For each data set it writes into OUT/<name>/: labels.json (schema), seeds.jsonl (10 examples per label drawn with a
fixed seed from the train split), corpus.txt (every other train and dev sentence, unlabelled), test.jsonl, and
full-train.jsonl / full-dev.jsonl (the whole train and dev splits, for the full-data reference).
Usage: specialize_data.py SHARED_DATA OUT [--per-label 10] [--seed 13]"""
import argparse, csv, json, random
from pathlib import Path


def read_conll(path):
    sentences, tokens, tags = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            token, tag = line.split("\t")[0], line.split("\t")[-1].strip()
            tokens.append(token); tags.append(tag)
        elif tokens:
            sentences.append(to_example(tokens, tags)); tokens, tags = [], []
    return sentences


def to_example(tokens, tags):
    text, spans, offsets = "", [], []
    for token in tokens:
        if text: text += " "
        offsets.append(len(text)); text += token
    current = None
    for i, tag in enumerate(tags + ["O"]):
        starts = tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != tag[2:]))
        if current and (tag == "O" or starts):
            spans.append({"start": current[0], "end": current[1], "label": current[2]}); current = None
        if tag != "O" and i < len(tokens):
            end = offsets[i] + len(tokens[i])
            current = [offsets[i], end, tag[2:]] if current is None or starts else [current[0], end, current[2]]
    return {"text": text, "spans": spans}


def labels_of(example):
    return sorted({s["label"] for s in example["spans"]}) if "spans" in example else [example["label"]]


def sample_seeds(examples, per_label, seed):
    """Greedy stratified draw: for each label (rarest first), add shuffled examples carrying it until it has per_label."""
    rng = random.Random(seed)
    order = list(range(len(examples))); rng.shuffle(order)
    counts = {}
    for e in examples:
        for l in labels_of(e): counts[l] = counts.get(l, 0) + 1
    chosen, have = [], {}
    for label in sorted(counts, key=lambda l: (counts[l], l)):
        for i in order:
            if have.get(label, 0) >= per_label: break
            if i in chosen or label not in labels_of(examples[i]): continue
            chosen.append(i)
            for l in labels_of(examples[i]): have[l] = have.get(l, 0) + 1
    return sorted(chosen)


def write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def build(name, task, train, dev, test, out, per_label, seed):
    folder = out / name; folder.mkdir(parents=True, exist_ok=True)
    seeds = sample_seeds(train, per_label, seed)
    labels = sorted({l for e in train for l in labels_of(e)})
    (folder / "labels.json").write_text(json.dumps({"task": task, "labels": [{"name": l} for l in labels]}, indent=2), encoding="utf-8")
    write(folder / "seeds.jsonl", [train[i] for i in seeds])
    held = set(seeds)
    corpus = [e["text"] for i, e in enumerate(train) if i not in held] + [e["text"] for e in dev]
    (folder / "corpus.txt").write_text("".join(t.replace("\n", " ") + "\n" for t in corpus), encoding="utf-8")
    write(folder / "test.jsonl", test); write(folder / "full-train.jsonl", train); write(folder / "full-dev.jsonl", dev)
    print(f"{name}: {len(labels)} labels, {len(seeds)} seeds, corpus {len(corpus)}, test {len(test)}, full train {len(train)}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path); parser.add_argument("out", type=Path)
    parser.add_argument("--per-label", type=int, default=10); parser.add_argument("--seed", type=int, default=13)
    a = parser.parse_args()
    ner = a.data / "ner"
    build("crossner-ai", "ner", read_conll(ner / "crossner/ai/train.txt"), read_conll(ner / "crossner/ai/dev.txt"),
          read_conll(ner / "crossner/ai/test.txt"), a.out, a.per_label, a.seed)
    build("wnut17", "ner", read_conll(ner / "wnut17/train.conll"), read_conll(ner / "wnut17/dev.conll"),
          read_conll(ner / "wnut17/test.conll"), a.out, a.per_label, a.seed)
    def banking(split):
        with open(a.data / f"classification/banking77/{split}.csv", encoding="utf-8", newline="") as f:
            return [{"text": r["text"], "label": r["category"]} for r in csv.DictReader(f)]
    train = banking("train"); rng = random.Random(a.seed); rng.shuffle(train)
    # Banking77 has no dev split: 1,000 shuffled train rows serve as the full-data reference's dev set.
    build("banking77", "classification", train[1000:], train[:1000], banking("test"), a.out, a.per_label, a.seed)


main()
