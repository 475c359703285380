#!/usr/bin/env python3
"""Modelled vs measured nccl-tests busbw by size for the two visible AWS systems (README figure).

Run from the repository root after building the jar:
    ./mvnw -q -DskipTests package && /usr/bin/python3 src/test/scripts/plot_nccl.py
writes sweeps/clusters/nccl-model.png. Needs Python 3 with matplotlib (Debian: python3-matplotlib).
"""
import csv
import json
import subprocess

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

SYSTEMS = [("2x AWS p4de.24xlarge", "sweeps/clusters/aws-p4de.yaml", "2 × p4de (16 A100, EFA v1)"),
           ("2x AWS p5.48xlarge", "sweeps/clusters/aws-p5.yaml", "2 × p5 (16 H100, EFA v2)")]


def measured(system):
    rows = []
    with open("src/test/resources/reference/nccl-tests-visible.csv") as f:
        for r in csv.DictReader(f):
            if r["system"] == system and r["placement"] == "out-of-place" and r["op"] == "all_reduce":
                rows.append((int(r["bytes"]), float(r["busbw_gbps"])))
    return rows


def modelled(cluster):
    out = subprocess.run(["java", "-jar", "target/astradse.jar", "nccl-tests", "--cluster", cluster, "--op", "all_reduce",
                          "-b", "8", "-e", "16G", "-f", "2", "--json"], check=True, capture_output=True, text=True).stdout
    return [(r["bytes"], r["busbwGBps"], r["algo"]) for r in json.loads(out)["rows"] if r["bytes"] > 0]


fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for ax, (system, cluster, title) in zip(axes, SYSTEMS):
    m = measured(system)
    mod = modelled(cluster)
    ax.plot([b for b, _, _ in mod], [v for _, v, _ in mod], "-", color="tab:blue", label="model (nccl-tests --json)")
    ax.plot([b for b, _ in m], [v for _, v in m], "o", color="tab:red", markersize=4, label="measured (nccl-tests)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("all_reduce size (bytes)")
    ax.set_ylabel("busbw (GB/s, 10^9 B/s)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left")
fig.tight_layout()
fig.savefig("sweeps/clusters/nccl-model.png", dpi=110)
print("written sweeps/clusters/nccl-model.png")
