#!/usr/bin/env python3
"""Remedy's benchmarks, each held against the fixed baseline in ../shared/bench in the same run.

usage: Benchmarks/bench.py [--runs N] [--tests N] [--million]
(rule matching has no external baseline: remedy-bench times RuleMatcher against the naive
all-pairs loop over the same rules and failures)
Builds remedy in release mode, then prints, for each benchmark, the best wall time of
N runs of the baseline and of remedy (taken in turn, so a drifting machine slows both
alike), their ratio, and a check that both found the same. The triage is also timed held
to one core (taskset, in the same turns), and one reader's stream inside one process
(remedy-bench stream): what the second core gains at that moment.
--million also triages a 1,000,000-test report (185 MB), three times each in turn, and prints
remedy's highest peak memory.
"""
import json, os, subprocess, sys, sysconfig, tempfile, time, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
if not os.path.isdir(BENCH):
    BENCH = os.path.normpath(os.path.join(ROOT, "..", "..", "shared", "bench"))
REMEDY = os.path.join(ROOT, ".build", "release", "remedy")
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
TESTS = int(sys.argv[sys.argv.index("--tests") + 1]) if "--tests" in sys.argv else 100000


def best(command, runs=RUNS):
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
        out = result.stdout
    return min(times), out


def report(name, base, remedy, check):
    print(f"{name}: baseline {base:.3f} s, remedy {remedy:.3f} s, ratio {base / remedy:.1f}x  ({check})")


def symbols(work):
    stdlib = sysconfig.get_paths()["stdlib"]
    corpus = os.path.join(work, "stdlib")
    shutil.copytree(stdlib, corpus, ignore=shutil.ignore_patterns("site-packages", "__pycache__"))
    files = sum(1 for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".py"))
    (base_time, base_out), (remedy_time, remedy_out) = best_interleaved([[sys.executable, os.path.join(BENCH, "baseline_symbols.py"), corpus],
                                                                         [REMEDY, "symbols", corpus, "--format", "json"]])
    key = lambda o: (o["path"], o["name"], o["kind"], o["line"], o["container"])
    base = {key(json.loads(l)) for l in base_out.splitlines()}
    found = {key(json.loads(l)) for l in remedy_out.splitlines()}
    recall = len(base & found) / len(base)
    report(f"symbols over the standard library ({files} files)", base_time, remedy_time,
           f"{len(base)} baseline symbols, {recall:.4%} of them found")


def triage(work):
    report_path = os.path.join(work, f"junit-{TESTS}.xml")
    subprocess.run([sys.executable, os.path.join(BENCH, "gen_junit.py"), str(TESTS), report_path], check=True)
    remedy_command = [REMEDY, "triage", report_path, "--no-probe", "--repo", work]
    # Also held to one core (when taskset is there): what the second core gains right now.
    taskset = shutil.which("taskset")
    one_core = [[taskset, "-c", str(min(os.sched_getaffinity(0))), *remedy_command]] if taskset and len(os.sched_getaffinity(0)) > 1 else []
    (base_time, base_out), (remedy_time, _), *held = best_interleaved([[sys.executable, os.path.join(BENCH, "baseline_triage.py"), report_path],
                                                                       remedy_command, *one_core])
    _, remedy_out = best([REMEDY, "triage", report_path, "--format", "json", "--no-probe", "--repo", work], runs=1)
    base_lines = base_out.decode().splitlines()
    base_totals = eval(base_lines[0])
    base_causes = int(base_lines[-1].split()[0])
    data = json.loads(remedy_out)
    totals = data["totals"]
    same = (totals["passed"] == base_totals.get("passed", 0) and totals["failed"] == base_totals.get("failure", 0)
            and totals["errors"] == base_totals.get("error", 0) and totals["skipped"] == base_totals.get("skipped", 0))
    causes = len(data["causes"]) + len(data["skips"])
    report(f"triage of a {TESTS}-test JUnit report ({os.path.getsize(report_path) / 1e6:.0f} MB)", base_time, remedy_time,
           f"totals {'equal' if same else 'DIFFER'}: {totals}; causes {causes} vs baseline {base_causes}")
    if held:
        print(f"  held to one core (taskset, timed in the same turns): remedy {held[0][0]:.3f} s; the second core gains {held[0][0] / remedy_time:.2f}x")
    # Where remedy's time goes: starting a process, and the phases timed inside one process.
    start_time, _ = best([REMEDY, "--version"], runs=max(RUNS, 5))
    python_start, _ = best([sys.executable, "-c", "pass"], runs=max(RUNS, 5))
    print(f"  process start: remedy {start_time * 1000:.1f} ms, python {python_start * 1000:.1f} ms")
    faults = page_faults([REMEDY, "triage", report_path, "--no-probe", "--repo", work])
    print(f"  page faults of one remedy triage (getrusage's count): {faults}")
    phases = subprocess.run([os.path.join(ROOT, ".build", "release", "remedy-bench"), "stream", report_path, str(max(RUNS, 5))],
                            stdout=subprocess.PIPE, check=True).stdout.decode().strip()
    print("  " + phases.replace("\n", "\n  "))


def page_faults(command):
    """The page faults of one run of command (started with posix_spawn, so that a forked
    Python's own copy-on-write faults are not counted as the command's)."""
    probe = ("import os, resource, sys; null = os.open(os.devnull, os.O_WRONLY); "
             "pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]); "
             "os.waitpid(pid, 0); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt)")
    return int(subprocess.run([sys.executable, "-c", probe] + command, stdout=subprocess.PIPE, check=True).stdout)


def peak_memory(command):
    """Wall time and peak resident memory (MB) of one run of command, measured alone."""
    probe = ("import resource, subprocess, sys, time; start = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True); "
             "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe] + command, stdout=subprocess.PIPE, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def million(work):
    path = os.path.join(work, "junit-1000000.xml")
    subprocess.run([sys.executable, os.path.join(BENCH, "gen_junit.py"), "1000000", path], check=True)
    # Three rounds taken in turn: the best time of each, and the highest peak.
    rounds = [(peak_memory([sys.executable, os.path.join(BENCH, "baseline_triage.py"), path]),
               peak_memory([REMEDY, "triage", path, "--no-probe", "--repo", work])) for _ in range(3)]
    base_time, base_mb = min(b[0] for b, _ in rounds), max(b[1] for b, _ in rounds)
    remedy_time, remedy_mb = min(r[0] for _, r in rounds), max(r[1] for _, r in rounds)
    print(f"triage of a 1,000,000-test report ({os.path.getsize(path) / 1e6:.0f} MB): baseline {base_time:.2f} s, {base_mb:.0f} MB peak; "
          f"remedy {remedy_time:.2f} s, {remedy_mb:.0f} MB peak; ratio {base_time / remedy_time:.1f}x")


def matching():
    """10,000 failures x 1,000 rules, RuleMatcher against the naive all-pairs loop, in one process."""
    out = subprocess.run([os.path.join(ROOT, ".build", "release", "remedy-bench"), "match"], stdout=subprocess.PIPE, check=True).stdout
    print(out.decode().strip())


def best_interleaved(commands, runs=RUNS):
    """The best wall time of each command over `runs` rounds that run them in turn, so
    that a machine whose speed drifts slows them alike; and each one's last output."""
    times, outs = [[] for _ in commands], [None for _ in commands]
    for _ in range(runs):
        for k, command in enumerate(commands):
            start = time.perf_counter()
            result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
            times[k].append(time.perf_counter() - start)
            outs[k] = result.stdout
    return [(min(t), out) for t, out in zip(times, outs)]


def overhead(runs=RUNS):
    """Remedy's own time on the demo: the wall time of `remedy demo` minus the time its test runs took."""
    best_run = None
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([REMEDY, "demo", "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False).stdout
        wall = time.perf_counter() - start
        data = json.loads(out)
        summary = data["fix"]
        # Wall time while a test run was going (findings run their tests side by side).
        tests = summary.get("testWallSeconds") or summary["testSeconds"]
        own = wall - tests
        if best_run is None or own / wall < best_run[2] / best_run[0]:
            best_run = (wall, tests, own)
    wall, tests, own = best_run
    print(f"remedy's own time on the demo (remedy demo): wall {wall:.2f} s, inside test runs {tests:.2f} s, "
          f"remedy {own:.2f} s = {own / wall:.1%} of the wall time (target at most 10%)")


def main():
    # The Swift runtime and Foundation linked in: a process starts in ~4 ms instead of ~15 ms.
    for product in ["remedy", "remedy-bench"]:
        subprocess.run(["swift", "build", "-c", "release", "--product", product, "--static-swift-stdlib"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="remedy-bench-") as work:
        symbols(work)
        triage(work)
        matching()
        overhead()
        if "--million" in sys.argv:
            million(work)


if __name__ == "__main__":
    main()
