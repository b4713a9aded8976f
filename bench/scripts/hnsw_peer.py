#!/usr/bin/python3
"""Peer HNSW libraries on the vectors that `Locus.Bench hnsw-export` / `hnsw-encode` wrote (base.npy, queries.npy,
truth.npy: see bench/Locus.Bench/HnswPeerBench.cs), so all three libraries index the same bytes.

  hnsw_peer.py run --lib hnswlib|faiss --dir DIR --m 16 --ef-construction 100 --ef-search 10,16,32 --threads 1 --out F.json
      builds the index (timed), then times one query at a time at each ef (recall@10 against truth.npy, p50/p99 ms).
      Metric: inner product, as Locus scores unit vectors by dot product (hnswlib space 'ip', FAISS
      METRIC_INNER_PRODUCT); the rows are unit length, so the order equals cosine and L2 order.
  hnsw_peer.py sentences --data ../shared/data --out FILE
      the real sentences of the shared data sets, one per line, de-duplicated, in a fixed shuffled order.
  hnsw_peer.py table --dir DIR --out-json F.json --out-md F.md [--note TEXT]...
      merges the per-library JSON files of DIR into one comparison and a Markdown table.

Runs with Debian's python3-hnswlib (0.6.2) and python3-faiss (1.7.3) under /usr/bin/python3.
"""
import argparse
import csv
import glob
import json
import math
import os
import random
import time

K = 10


def run(args):
    import numpy as np
    base = np.load(os.path.join(args.dir, "base.npy"))
    queries = np.load(os.path.join(args.dir, "queries.npy"))
    truth = np.load(os.path.join(args.dir, "truth.npy"))
    rows, dim = base.shape
    efs = [int(e) for e in args.ef_search.split(",")]

    if args.lib == "hnswlib":
        import hnswlib
        version = "0.6.2 (Debian python3-hnswlib)"
        index = hnswlib.Index(space="ip", dim=dim)
        index.init_index(max_elements=rows, ef_construction=args.ef_construction, M=args.m, random_seed=100)
        index.set_num_threads(args.threads)
        start = time.perf_counter()
        index.add_items(base, np.arange(rows), num_threads=args.threads)
        build_s = time.perf_counter() - start

        def set_ef(ef):
            index.set_ef(max(ef, K))

        def search(q):
            labels, _ = index.knn_query(q, k=K, num_threads=1)
            return labels[0]
    else:
        import faiss
        version = faiss.__version__ + " (Debian python3-faiss)"
        faiss.omp_set_num_threads(args.threads)
        index = faiss.IndexHNSWFlat(dim, args.m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = args.ef_construction
        start = time.perf_counter()
        index.add(base)
        build_s = time.perf_counter() - start
        # One query at a time on one thread, like the other two libraries.
        faiss.omp_set_num_threads(1)

        def set_ef(ef):
            index.hnsw.efSearch = max(ef, K)

        def search(q):
            _, labels = index.search(q, K)
            return labels[0]
    print(f"  {args.lib}: built {rows:,} rows in {build_s:.1f}s ({args.threads} threads)", flush=True)

    results = []
    single = [queries[i:i + 1] for i in range(len(queries))]
    for ef in efs:
        set_ef(ef)
        for q in single[:args.warmup]:
            search(q)
        latency = []
        found = 0
        for q, true in zip(single, truth):
            start = time.perf_counter()
            labels = search(q)
            latency.append((time.perf_counter() - start) * 1000)
            found += len(set(labels.tolist()) & set(true.tolist()))
        recall = found / (K * len(queries))
        results.append({"ef": ef, "recall": recall, "p50_ms": percentile(latency, 0.5), "p99_ms": percentile(latency, 0.99),
                        "mean_ms": sum(latency) / len(latency)})
        print(f"| {args.lib} | ef {ef} | recall@10 {recall:.4f} | p50 {results[-1]['p50_ms']:.3f} ms | p99 {results[-1]['p99_ms']:.3f} ms |", flush=True)
    report = {"library": args.lib, "version": version, "metric": "inner product (unit vectors)", "rows": rows, "dim": dim,
              "queries": len(queries), "m": args.m, "ef_construction": args.ef_construction, "threads": args.threads,
              "build_s": build_s, "search": results}
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"wrote {args.out}")


def percentile(values, p):
    """Same definition as RetrievalBenchmark.Percentile: the ceil(p*n)-th smallest value."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]


def sentences(args):
    found = []
    data = args.data
    for path in sorted(glob.glob(os.path.join(data, "classification/banking77/*.csv"))):
        with open(path, newline="") as f:
            found += [row["text"] for row in csv.DictReader(f)]
    for path in sorted(glob.glob(os.path.join(data, "classification/trec/TREC.*.all"))):
        with open(path, encoding="latin-1") as f:
            found += [line.split(" ", 1)[1] for line in f if " " in line.strip()]
    for path in sorted(glob.glob(os.path.join(data, "ner/**/*.*"), recursive=True)):
        if os.path.basename(path).startswith("LICENSE"):
            continue
        tokens = []
        with open(path, encoding="utf-8") as f:
            for line in list(f) + [""]:
                line = line.strip()
                if line:
                    tokens.append(line.split("\t")[0].split(" ")[0])
                elif tokens:
                    found.append(" ".join(tokens))
                    tokens = []
    for path in sorted(glob.glob(os.path.join(data, "atlas/alpacaeval2/instructions.jsonl"))):
        with open(path) as f:
            found += [json.loads(line)["instruction"] for line in f if line.strip()]
    unique = sorted({" ".join(s.split()) for s in found if s.strip()})
    # Fixed shuffle: the first lines become queries, so queries come from every data set.
    random.Random(13).shuffle(unique)
    with open(args.out, "w") as f:
        f.writelines(s + "\n" for s in unique)
    print(f"wrote {args.out}: {len(unique):,} distinct sentences ({len(found):,} read)")


def table(args):
    libs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(args.dir, "*.lib.json")))]
    libs.sort(key=lambda r: (not r["library"].startswith("locus"), r["library"]))
    notes = args.note or []
    with open(args.out_json, "w") as f:
        json.dump({"notes": notes, "libraries": libs}, f, indent=2)
    first = libs[0]
    lines = [f"{first['rows']:,} x {first['dim']}-d rows, {first['queries']} queries (one at a time), k = 10, "
             f"M = {first['m']}, ef_construction = {first['ef_construction']}, build threads = {first['threads']}", ""]
    lines += [f"- {n}" for n in notes] + [""]
    lines += ["| library | version | build s |", "|---|---|---:|"]
    lines += [f"| {r['library']} | {r['version']} | {r['build_s']:.1f} |" for r in libs]
    lines += ["", "| ef | " + " | ".join(f"{r['library']} recall@10 / p50 ms / p99 ms" for r in libs) + " |",
              "|---:|" + "---|" * len(libs)]
    efs = sorted({s["ef"] for r in libs for s in r["search"]})
    for ef in efs:
        cells = []
        for r in libs:
            s = next((s for s in r["search"] if s["ef"] == ef), None)
            cells.append(f"{s['recall']:.4f} / {s['p50_ms']:.3f} / {s['p99_ms']:.3f}" if s else "")
        lines.append(f"| {ef} | " + " | ".join(cells) + " |")
    with open(args.out_md, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("run")
    r.add_argument("--lib", choices=["hnswlib", "faiss"], required=True)
    r.add_argument("--dir", required=True)
    r.add_argument("--m", type=int, default=16)
    r.add_argument("--ef-construction", type=int, default=100)
    r.add_argument("--ef-search", default="10,16,32,64,128,256")
    r.add_argument("--threads", type=int, default=1)
    r.add_argument("--warmup", type=int, default=100)
    r.add_argument("--out", required=True)
    s = sub.add_parser("sentences")
    s.add_argument("--data", required=True)
    s.add_argument("--out", required=True)
    t = sub.add_parser("table")
    t.add_argument("--dir", required=True)
    t.add_argument("--out-json", required=True)
    t.add_argument("--out-md", required=True)
    t.add_argument("--note", action="append")
    args = parser.parse_args()
    {"run": run, "sentences": sentences, "table": table}[args.mode](args)


if __name__ == "__main__":
    main()
