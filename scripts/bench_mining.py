#!/usr/bin/env python3
"""Side-by-side mining benchmark: bundlekd's FP-growth against pyfim's fpgrowth and eclat.

In one run on one machine: generates the 50,000-transaction set with
../shared/bench/mining/gen_transactions.py, builds bundlekd in release mode, then for each
support (0.2%, 0.1%, 0.05%, 0.02%) times both sides alternately (FP-growth only, after a warm-up,
median of REPS; file parsing is not timed on either side), checks that they find the same
itemsets per size, and prints the ratios ours/pyfim. Then the whole processes: `bundlekd mine
--format json` against a Python script that reads the same file, runs pyfim's fpgrowth and writes
the same JSON (the user's view: the miner's lead must survive the I/O). Also prints whole-process
peak memory and the per-domain mining time on the real BundleRec data. pyfim is installed with pip
into a virtual environment under ~/.cache/bundlekd/ (created on first use).

Usage: scripts/bench_mining.py [--reps 7] [--supports 0.2,0.1,0.05,0.02]
"""
import argparse, json, os, re, statistics, subprocess, sys, tempfile, time, venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
CACHE = os.path.expanduser("~/.cache/bundlekd")
VENV = os.path.join(CACHE, "bench-venv")
PY = os.path.join(VENV, "bin", "python")
BIN = os.path.join(ROOT, ".build", "release", "bundlekd")

SIZES_SNIPPET = r"""
import sys, fim, collections
T = [[int(x) for x in l.split()] for l in open(sys.argv[1])]
sets = fim.fpgrowth(T, target='s', supp=float(sys.argv[2]), zmin=1, report='a')
c = collections.Counter(len(s) for s, _ in sets)
print(' '.join('%d:%d' % (k, c[k]) for k in sorted(c)))
"""


# The whole-process reference: read the file, mine with pyfim's FP-growth, write the same JSON
# `bundlekd mine --format json` writes (items as sorted names, absolute and relative support).
WHOLE_SNIPPET = r"""
import sys, json, fim
path, supp, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
T = [[int(x) for x in l.split()] for l in open(path)]
n = len(T)
sets = fim.fpgrowth(T, target='s', supp=supp, zmin=1, report='a')
itemsets = [{"count": c, "items": sorted(str(i) for i in s), "support": c / n} for s, c in sets]
with open(out, "w") as f:
    json.dump({"itemsets": itemsets, "source": path, "transactions": n}, f, sort_keys=True)
"""


def ensure_pyfim():
    if not os.path.exists(PY):
        os.makedirs(CACHE, exist_ok=True)
        venv.create(VENV, with_pip=True)
    if subprocess.run([PY, "-c", "import fim"], capture_output=True).returncode != 0:
        subprocess.run([PY, "-m", "pip", "install", "-q", "pyfim"], check=True)


def run(cmd, **kw):
    """Runs a command, returning (stdout, stderr, its peak RSS in MiB from /usr/bin/time)."""
    p = subprocess.run(["/usr/bin/time", "-f", "peak-kb=%M"] + cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    m = re.search(r"peak-kb=(\d+)\s*$", p.stderr)
    return p.stdout, p.stderr[:m.start()] if m else p.stderr, int(m.group(1)) / 1024 if m else float("nan")


def ours(path, supp, reps):
    out, err, rss = run([BIN, "mine", "--transactions", path, "--min-support", str(supp / 100),
                         "--limit", "1", "--repeat", str(reps)])
    m = re.search(r"itemsets=(\d+) min=([\d.]+) median=([\d.]+)", out)
    sizes = re.search(r"itemsets \[([^\]]*)\]", err).group(1)
    return int(m.group(1)), float(m.group(2)), float(m.group(3)), sizes, rss


def pyfim(path, supp, reps):
    out, _, rss = run([PY, os.path.join(SHARED, "bench", "mining", "pyfim_reference.py"), path,
                       "--supp-percent", str(supp), "--reps", str(reps)])
    result = {}
    for line in out.splitlines():
        m = re.match(r"pyfim\.(\w+) itemsets=(\d+) min=([\d.]+) median=([\d.]+)", line)
        result[m.group(1)] = (int(m.group(2)), float(m.group(3)), float(m.group(4)))
    sizes, _, _ = run([PY, "-c", SIZES_SNIPPET, path, str(supp)])
    return result, sizes.strip(), rss


def wall(cmd):
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def whole_process(data, supports, reps):
    """Read + mine + write JSON as whole processes, alternating sides; median of reps. Returns
    1 when the two JSON files disagree on the itemsets found."""
    print("\nwhole process: read the file, FP-growth, write JSON to a file (median of %d, alternating)" % reps)
    print("%-8s %9s %11s %13s %9s  %s" % ("support", "itemsets", "bundlekd", "python+pyfim", "ratio", "same itemsets"))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        ours_out, ref_out = os.path.join(tmp, "ours.json"), os.path.join(tmp, "ref.json")
        for supp in supports:
            ours_cmd = ["sh", "-c", '"$0" mine --transactions "$1" --min-support "$2" --format json > "$3"',
                        BIN, data, str(supp / 100), ours_out]
            ref_cmd = [PY, "-c", WHOLE_SNIPPET, data, str(supp), ref_out]
            times = {"ours": [], "ref": []}
            for _ in range(reps):
                times["ours"].append(wall(ours_cmd))
                times["ref"].append(wall(ref_cmd))
            key = lambda d: sorted((tuple(e["items"]), e["count"]) for e in d["itemsets"])
            with open(ours_out) as a, open(ref_out) as b:
                mine, ref = json.load(a), json.load(b)
            same = key(mine) == key(ref)
            failures += not same
            ours_t, ref_t = statistics.median(times["ours"]), statistics.median(times["ref"])
            print("%-8s %9d %9.0fms %11.0fms %9.2f  %s" % ("%g%%" % supp, len(mine["itemsets"]), ours_t * 1000,
                                                         ref_t * 1000, ours_t / ref_t, "yes" if same else "NO"))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--supports", default="0.2,0.1,0.05,0.02")
    args = parser.parse_args()

    ensure_pyfim()
    data = os.path.join(CACHE, "bench", "T50k.txt")
    os.makedirs(os.path.dirname(data), exist_ok=True)
    if not os.path.exists(data):
        run([sys.executable, os.path.join(SHARED, "bench", "mining", "gen_transactions.py"), data])
    run([os.path.join(ROOT, "scripts", "build-release.sh")], cwd=ROOT)

    print("50,000 transactions, 2,000 items (gen_transactions.py, seed 42); FP-growth time only, "
          "median of %d after a warm-up" % args.reps)
    print("%-8s %9s %11s %11s %11s %13s %13s  %s" % ("support", "itemsets", "ours", "pyfim-fp", "pyfim-eclat",
                                                    "ours/pyfim-fp", "ours/eclat", "per-size counts agree"))
    failures = 0
    peaks = []
    for supp in [float(s) for s in args.supports.split(",")]:
        # Alternate the two sides so a noisy neighbour hurts both alike.
        n, _, median, sizes, rss_ours = ours(data, supp, args.reps)
        ref, ref_sizes, rss_py = pyfim(data, supp, args.reps)
        agree = n == ref["fpgrowth"][0] == ref["eclat"][0] and sizes == ref_sizes
        failures += not agree
        print("%-8s %9d %9.1fms %9.1fms %9.1fms %13.2f %13.2f  %s" % (
            "%g%%" % supp, n, median * 1000, ref["fpgrowth"][2] * 1000, ref["eclat"][2] * 1000,
            median / ref["fpgrowth"][2], median / ref["eclat"][2],
            "yes (%s)" % sizes if agree else "NO: ours %s / pyfim %s" % (sizes, ref_sizes)))
        peaks.append((supp, rss_ours, rss_py))
    print("peak memory, whole process incl. reading the file: " + ", ".join(
        "%g%%: bundlekd %.0f MiB / python+pyfim %.0f MiB" % p for p in peaks))
    failures += whole_process(data, [float(s) for s in args.supports.split(",")], args.reps)

    bundlerec = os.path.join(SHARED, "data", "bundlerec")
    if os.path.isdir(bundlerec):
        print("\nreal data: leaf-category patterns from training bundles, support 0.1%, sizes 2-5")
        for domain in ("electronic", "clothing", "food"):
            out, err, _ = run([BIN, "mine", "--data", bundlerec, "--domain", domain, "--limit", "1",
                               "--repeat", str(args.reps)])
            m = re.search(r"itemsets=(\d+) min=([\d.]+) median=([\d.]+)", out)
            t = re.search(r"(\d+) transactions", err).group(1)
            print("  %-10s %5s bundles  %6s itemsets  median %.2f ms" % (domain, t, m.group(1), float(m.group(3)) * 1000))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
