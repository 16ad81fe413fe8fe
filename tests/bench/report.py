#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""report.py COMPILE_TSV KERNEL=LOG... [KERNEL:workloads=LOG...]: docs/benchmarks.md on stdout.

COMPILE_TSV: lines "kind rules status median_ms min_ms max_ms bytes note" from
tests/bench/run.sh (policyc on the host). Each LOG is a bench-mode serial
console (build/vm/KERNEL-bench.log) holding "@@BENCH k=v ..." lines from
tests/bench/bench.sh. A KERNEL:workloads=LOG is a system guest's bench console
(build/vm/KERNEL-workloads.log, tests/bench/workloads.sh): its "Workloads"
table follows that kernel's section. Every guest ratio pairs two configurations measured in
the same round of the same boot; min/median/max are over rounds.
"""
import datetime
import os
import statistics
import sys

OPS = ["openclose", "stat", "forkexec", "connect"]
OP_TITLE = {"openclose": "open+close", "stat": "stat", "forkexec": "fork+exec", "connect": "TCP connect (loopback)"}


def parse(path):
    recs = []
    with open(path, errors="replace") as f:
        for line in f:
            i = line.find("@@BENCH ")
            if i < 0:
                continue
            kv = {}
            for w in line[i + 8:].split():
                if "=" in w:
                    k, v = w.split("=", 1)
                    kv[k] = v
            recs.append(kv)
    return recs


def mmm(xs, fmt="{:.3f}"):
    if not xs:
        return "n/a"
    return " / ".join(fmt.format(v) for v in (min(xs), statistics.median(xs), max(xs)))


def med(xs):
    return statistics.median(xs) if xs else None


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = min(len(xs) - 1, max(0, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def by_round(recs, phase, cfg, op, **extra):
    out = {}
    for r in recs:
        if r.get("kind") == "op" and r.get("phase") == phase and r.get("cfg") == cfg and r.get("op") == op \
                and all(r.get(k) == v for k, v in extra.items()):
            out[r["round"]] = int(r["ns"])
    return out


def ratios(num, den):
    return [num[k] / den[k] for k in num if k in den and den[k] > 0]


class Targets:
    def __init__(self):
        self.rows = []

    def add(self, kernel, what, target, value):
        if value is None:
            self.rows.append((kernel, what, f"≤ {target:.2f}×", "not measured", "n/a"))
            return
        self.rows.append((kernel, what, f"≤ {target:.2f}×", f"{value:.3f}×", "met" if value <= target else "**not met**"))

    def add_limit(self, kernel, what, limit, value, unit):
        """A target on an absolute figure (seconds, ...), not a ratio."""
        self.rows.append((kernel, what, f"≤ {limit:g} {unit}", f"{value:.1f} {unit}",
                          "met" if value <= limit else "**not met**"))


def daemon_starts(recs):
    """The log's daemon starts in ms, sorted, and how the rows describe them ("median of N starts, A-B s")."""
    starts = sorted(int(r["ms"]) for r in recs if r.get("kind") == "daemon")
    what = f"median of {len(starts)} starts, {starts[0] / 1000:.1f}-{starts[-1] / 1000:.1f} s" if starts else ""
    return starts, what


def start_target(name, recs, targets):
    """The start target's row: judged on the TCG wall clock, the clock it was set on (#17)."""
    starts, what = daemon_starts(recs)
    if starts:
        targets.add_limit(name, f"enforcerd start, TCG wall clock: every program verified and attached ({what})",
                          10, statistics.median(starts) / 1000, "s")


def start_info(name, recs, targets):
    """The start on the icount clock: a row for comparison between runs, not judged against the target."""
    starts, what = daemon_starts(recs)
    if starts:
        targets.rows.append((name, f"enforcerd start, icount clock (instructions × 4 ns; not the clock the target "
                             f"was set on: see the TCG wall-clock row) ({what})", "n/a",
                             f"{statistics.median(starts) / 1000:.1f} s", "not judged"))


def start_section(name, recs, targets, out):
    """A guest that only started the daemon, on the TCG wall clock (run.sh --icount boots one per kernel)."""
    starts = [int(r["ms"]) for r in recs if r.get("kind") == "daemon"]
    meta = next((r for r in recs if r.get("kind") == "meta"), {})
    out.append(f"### enforcerd start on the TCG wall clock ({name}: {meta.get('kernel', '?')})\n")
    if not starts:
        out.append("No start recorded: see the boot's log (build/vm/" + name + "-bench-start.log).\n")
        targets.add_limit(name, "enforcerd start, TCG wall clock", 10, float("inf"), "s")
        return
    out.append("A guest of its own without `-icount` (`tests/vm/boot.sh --mode bench --bench-sections start`), "
               "on the clock the start target was set on; the host's load moves these figures. Each start from "
               "nothing pinned (the previous one's programs and maps removed, the guest settled), every program "
               "verified and attached, until `enforcerctl status` answers. In ms, in order: "
               + ", ".join(f"{s:,}" for s in starts) + ".\n")
    start_target(name, recs, targets)


def kernel_section(name, recs, targets, out):
    meta = next((r for r in recs if r.get("kind") == "meta"), {})
    out.append(f"## Kernel {name}: {meta.get('kernel', '?')}\n")
    lsm = f" Active LSMs: `{meta['lsm']}`." if "lsm" in meta else ""
    clock = next((r for r in recs if r.get("kind") == "clock"), {})
    if clock.get("icount") == "1":
        out.append("Clock: the guest's instructions (qemu `-icount shift=2,sleep=off`, 4 ns each), not the host's "
                   "time: figures do not move with the host's load, and a program's ns per call divided by 4 is "
                   "the instructions it ran (helpers included).\n")
    out.append(f"One boot, 1 vCPU under TCG.{lsm} Main rounds: {meta.get('rounds', '?')}; loop lengths: "
               f"open+close {meta.get('n_open')}, stat {meta.get('n_stat')}, fork+exec {meta.get('n_fork')}, "
               f"connect {meta.get('n_conn')} per measurement.\n")

    # 1. the three configurations
    out.append("### Cost per operation: no enforcer, enforcer loaded, confined\n")
    out.append("*none*: no enforcer program loaded (measured before each daemon start, after "
               "`enforcerctl shutdown --remove-enforcement` of the previous round, once the guest has settled: "
               "see below). *loaded*: enforcerd "
               "running, process in a cgroup with no profile. *confined*: process under a 10-rule-per-section "
               "profile whose rules allow the operation by an explicit rule (the full lookup runs). Ratios pair "
               "configurations of the same round; min / median / max over rounds.\n")
    out.append("| operation | none, median ns (guest) | loaded / none | confined / none | confined / loaded |")
    out.append("| --- | --- | --- | --- | --- |")
    for op in OPS:
        none = by_round(recs, "main", "none", op)
        loaded = by_round(recs, "main", "loaded", op)
        conf = by_round(recs, "main", "confined", op)
        out.append(f"| {OP_TITLE[op]} | {med(list(none.values())) or 'n/a'} | {mmm(ratios(loaded, none))} | "
                   f"{mmm(ratios(conf, none))} | {mmm(ratios(conf, loaded))} |")
        lr, cr = ratios(loaded, none), ratios(conf, none)
        if op == "openclose":
            targets.add(name, "confined open+close vs baseline", 1.10, med(cr))
            targets.add(name, "open+close, loaded, unconfined vs baseline", 1.02, med(lr))
        elif op == "forkexec":
            targets.add(name, "fork+exec confined vs baseline", 1.03, med(cr))
            targets.add(name, "fork+exec, loaded, unconfined vs baseline", 1.02, med(lr))
        elif op == "connect":
            targets.add(name, "connect confined vs baseline", 1.10, med(cr))
            targets.add(name, "connect, loaded, unconfined vs baseline", 1.02, med(lr))
        elif op == "stat":
            targets.add(name, "stat, loaded, unconfined vs baseline", 1.02, med(lr))
    out.append("")
    settles = [r for r in recs if r.get("kind") == "settle"]
    if settles:
        waits = sorted(int(r["ms"]) for r in settles)
        busy = sum(1 for r in settles if r.get("idle") == "no")
        out.append(f"Every *none* is measured once the guest has settled: no `bpf_lsm_` function left in ftrace's "
                   f"`enabled_functions` (6.12 takes the programs off the hooks in the background), then a second "
                   f"with the CPU 98% idle. {len(waits)} waits (at start and after each removal): "
                   f"{waits[0] / 1000:.1f} / {med(waits) / 1000:.1f} / {waits[-1] / 1000:.1f} s (min / median / max)"
                   + (f"; **{busy} did not settle within 120 s** (measured anyway)." if busy else ".") + "\n")

    # 2. rule-count scaling
    scales = sorted({int(r["rules"]) for r in recs if r.get("kind") == "op" and r.get("phase") == "scale" and "rules" in r})
    if scales:
        out.append("### Rule-count scaling\n")
        out.append("Profiles with N file, N exec and N network rules each (network capped at 10,000 per profile), "
                   "all attached at once, measured in the same rounds as an unconfined process (*loaded*). "
                   "Columns: confined / loaded for each N, then N-rule / smallest-N (the target: cost bounded by path "
                   "depth, not rule count). A profile holds up to 262,144 rules (`POLICY_RULES_MAX`); network prefixes "
                   "are limited to 65,536 over all profiles (`ENF_MAX_NET_PREFIXES`), hence the network cap.\n")
        head = "| operation | " + " | ".join(f"{n:,} rules / loaded" for n in scales)
        head += " | " + " | ".join(f"{n:,} / {scales[0]:,} rules" for n in scales[1:]) + " |"
        out.append(head)
        out.append("| --- " * (1 + len(scales) + len(scales) - 1) + "|")
        for op in OPS:
            loaded = by_round(recs, "scale", "loaded", op)
            base = by_round(recs, "scale", f"s{scales[0]}", op)
            cells = [mmm(ratios(by_round(recs, "scale", f"s{n}", op), loaded)) for n in scales]
            cells += [mmm(ratios(by_round(recs, "scale", f"s{n}", op), base)) for n in scales[1:]]
            out.append(f"| {OP_TITLE[op]} | " + " | ".join(cells) + " |")
            if len(scales) > 1:
                top = scales[-1] if scales[-1] <= 10000 else [s for s in scales if s <= 10000][-1]
                targets.add(name, f"{OP_TITLE[op]}: {top:,} rules vs {scales[0]} rules", 1.10,
                            med(ratios(by_round(recs, "scale", f"s{top}", op), base)))
        out.append("")

    # 3. path depth
    depths = sorted({int(r["depth"]) for r in recs if r.get("kind") == "op" and r.get("phase") == "depth"})
    if depths:
        out.append("### Path depth (open+close)\n")
        out.append("The opened file is D components below `/`, allowed by an exact rule of a 10-rule profile; "
                   "compared with the same open from an unconfined process in the same round.\n")
        out.append("| depth | loaded, median ns (guest) | confined, median ns (guest) | confined / loaded |")
        out.append("| --- | --- | --- | --- |")
        for d in depths:
            lo = by_round(recs, "depth", "loaded", "openclose", depth=str(d))
            co = by_round(recs, "depth", "confined", "openclose", depth=str(d))
            out.append(f"| {d} | {med(list(lo.values()))} | {med(list(co.values()))} | {mmm(ratios(co, lo))} |")
        out.append("")

    # 4. beside AppArmor
    apparmor_section(name, recs, targets, out)

    # 5. per-program statistics, over the interleaved per-program rounds
    progs = [r for r in recs if r.get("kind") == "prog"]
    if progs:
        noise = {r["prog"]: (int(r["calls"]), int(r["ns"])) for r in progs if r["cfg"] == "null"}
        nloop = {"openclose": int(meta.get("n_open", 1)), "stat": int(meta.get("n_stat", 1)),
                 "forkexec": int(meta.get("n_fork", 1)), "connect": int(meta.get("n_conn", 1))}
        # (cfg, op, prog) -> {round: (calls, ns)}; (cfg, op) -> {round: BPF ns per operation}
        runs, per_op, order = {}, {}, []
        for r in progs:
            if r["cfg"] == "null":
                continue
            nc, nt = noise.get(r["prog"], (0, 0))
            calls, ns = int(r["calls"]) - nc, int(r["ns"]) - nt
            if calls < nloop.get(r["op"], 1) / 10 or calls <= 0:
                continue
            rnd = r.get("round", "1")
            key = (r["cfg"], r["op"], r["prog"])
            if key not in runs:
                runs[key] = {}
                order.append(key)
            runs[key][rnd] = (calls, ns)
            op_rounds = per_op.setdefault((r["cfg"], r["op"]), {})
            op_rounds[rnd] = op_rounds.get(rnd, 0) + ns / nloop[r["op"]]
        n_rounds = max((len(v) for v in runs.values()), default=0)
        out.append("### Per-program cost (kernel.bpf_stats_enabled)\n")
        out.append("`run_time_ns / run_cnt` of every program that ran during one loop of each operation (stats on "
                   "only for these passes; the programs that `bpftool` itself triggers while taking the snapshots are "
                   f"subtracted), in {n_rounds} interleaved round(s): min / median / max over rounds. Programs called "
                   "fewer times than a tenth of the loop length are left out.\n")
        out.append("| configuration | operation | program | calls (median) | ns per call (guest) |")
        out.append("| --- | --- | --- | --- | --- |")
        for cfg, op, prog in order:
            rs = runs[(cfg, op, prog)].values()
            calls = int(med([c for c, _ in rs]))
            out.append(f"| {cfg} | {OP_TITLE[op]} | `{prog}` | {calls} | {mmm([ns / c for c, ns in rs], '{:.0f}')} |")
        out.append("")
        out.append("BPF time per operation (in each round, the sum of the rows above divided by the loop length), "
                   "against the median cost of the operation with no enforcer in the same boot: an estimate of the "
                   "overhead that does not depend on the wall-clock noise of a whole loop. The ratio is the median "
                   "round's; min / median / max beside it.\n")
        out.append("| configuration | operation | BPF ns per operation (guest, median) | baseline ns per operation | "
                   "estimated ratio | min / median / max | largest share |")
        out.append("| --- | --- | --- | --- | --- | --- | --- |")
        for (cfg, op), rounds in per_op.items():
            base = med(list(by_round(recs, "main", "none", op).values()))
            if not base:
                continue
            ns = med(list(rounds.values()))
            # The program with the largest median share of this operation.
            shares = {prog: med([t / nloop[op] for _, t in runs[(c, o, prog)].values()])
                      for c, o, prog in order if (c, o) == (cfg, op)}
            prog = max(shares, key=shares.get)
            out.append(f"| {cfg} | {OP_TITLE[op]} | {ns:.0f} | {base:.0f} | {1 + ns / base:.3f}× | "
                       f"{mmm([1 + v / base for v in rounds.values()])} | `{prog}` {100 * shares[prog] / ns:.0f}% |")
            goal = {("confined", "openclose"): 1.10, ("loaded", "openclose"): 1.02, ("confined", "forkexec"): 1.03,
                    ("loaded", "forkexec"): 1.02, ("confined", "connect"): 1.10, ("loaded", "connect"): 1.02}.get((cfg, op))
            if goal:
                targets.add(name, f"{OP_TITLE[op]}, {cfg}: BPF time / baseline (per-program stats)", goal, 1 + ns / base)
        out.append("")

    # 6. live edits
    edits = [r for r in recs if r.get("kind") == "edit"]
    if edits:
        out.append("### Live-edit latency\n")
        out.append("From `enforcerctl` returning to the first open by a process in the attached cgroup that sees the "
                   "new verdict (the prober starts when the CLI has exited; one open per try). `tries=1` on every "
                   "sample means the switch was already complete when the CLI returned.\n")
        out.append("| edit | samples | p50 | p99 | max | samples needing > 1 try |")
        out.append("| --- | --- | --- | --- | --- | --- |")
        kinds = sorted({r["edit"].replace("mode-enforce", "mode").replace("mode-audit", "mode") for r in edits})
        for k in kinds:
            xs = [int(r["ns"]) / 1e6 for r in edits if r["edit"].startswith(k)]
            late = sum(1 for r in edits if r["edit"].startswith(k) and int(r["tries"]) > 1)
            out.append(f"| `{'rule add' if k == 'rule-add' else 'mode audit/enforce'}` | {len(xs)} | {pct(xs, 50):.2f} ms | "
                       f"{pct(xs, 99):.2f} ms | {max(xs):.2f} ms | {late} |")
        out.append("")

    # 7. audit throughput
    for a in (r for r in recs if r.get("kind") == "audit"):
        ops, written, dropped = int(a["ops"]), int(a["written"]), int(a["dropped"])
        ms = max(1, int(a["all_written_ms"]))
        out.append("### Audit throughput\n")
        out.append(f"A confined loop of {ops} denied opens as fast as one process can go, each one audit event. "
                   f"The loop took {a['loop_ms']} ms ({ops * 1000 / max(1, int(a['loop_ms'])):,.0f} denials/s); "
                   f"every event was accounted for (written to the log, or counted as dropped because the ring "
                   f"buffer was full) {ms} ms after the loop started: **{written * 1000 / ms:,.0f} events/s** "
                   f"written to the log. Written {written}, dropped {dropped}, log lines {a['log_lines']}, "
                   f"unaccounted **{ops - written - dropped}**. A burst faster than the daemon drains the ring "
                   f"buffer loses events, never silently: each loss is counted (`events_dropped`) and no "
                   f"verdict depends on it. (Times have the 10 ms resolution of /proc/uptime.)\n")

    loads = [r for r in recs if r.get("kind") in ("guestcompile", "load", "daemon")]
    if loads:
        out.append("### In-guest compile and load times\n")
        out.append("| what | ms (guest) | bundle bytes |")
        out.append("| --- | --- | --- |")
        for r in loads:
            what = {"guestcompile": f"policyc compile {r.get('profile')}", "load": f"enforcerctl load + attach {r.get('profile')}",
                    "daemon": "enforcerd start (programs verified and attached)"}[r["kind"]]
            out.append(f"| {what} | {r['ms']} | {r.get('bytes', '')} |")
        out.append("")
    if clock.get("icount") == "1":
        start_info(name, recs, targets)
    else:
        start_target(name, recs, targets)

    ver = [r for r in recs if r.get("kind") == "verifier"]
    if ver:
        total = next((r for r in ver if r.get("prog") == "ALL"), None)
        progs = sorted((r for r in ver if r.get("prog") != "ALL"), key=lambda r: -int(r["us"]))
        out.append("### Verification: what enforcerd's start costs\n")
        out.append("Each program's verifier run, from the kernel's own statistics (`enforcerd --verifier-stats`, "
                   "first start of the boot). Global functions (the decision engine, the event writer) are "
                   "verified again inside every program that calls them. Start-up time, and with it most of "
                   "the integration suite's time, is this.\n")
        if total:
            out.append(f"All {total['progs']} programs: {int(total['ms']):,} ms to load (guest), "
                       f"{int(total['insns']):,} instructions processed.\n")
        out.append("| program | verifier ms (guest) | instructions processed |")
        out.append("| --- | --- | --- |")
        for r in progs:
            out.append(f"| `{r['prog']}` | {int(r['us']) / 1000:.1f} | {int(r['insns']):,} |")
        out.append("")


# The configurations of the "beside AppArmor" section (bench.sh section 6), in table order.
AA_CFGS = [
    ("none", "nothing confined (AppArmor active, no profile loaded; no enforcer)"),
    ("aa_loaded", "AppArmor profiles loaded, task unconfined"),
    ("aa_deny", "AppArmor deny-list: `/** rwmlkix,` + one `deny` rule"),
    ("aa_allow", "AppArmor allow-list: `/srv/bench/** r,` + its own binary `rm`"),
    ("bpf_empty", "an LSM program that does nothing, on file_open (no enforcer): the kernel's charge for "
                  "any BPF-LSM program there"),
    ("enf_loaded", "enforcer loaded, task unconfined"),
    ("enf_deny", "enforcer `file.default: allow` + one deny rule"),
    ("enf_allow", "enforcer `file.default: deny` + one subtree allow (`/srv/bench/**`)"),
]


def aa_times(recs, cfg, depth, at=None):
    """{round: [ns, ...]} of one configuration at one depth ("none" has up to
    three a round: at its start, middle and end; AT: the ones to take)."""
    vals = {}
    for r in recs:
        if r.get("kind") == "op" and r.get("phase") == "apparmor" and r.get("cfg") == cfg \
                and r.get("depth") == str(depth) and (at is None or r.get("at") in at):
            vals.setdefault(r["round"], []).append(int(r["ns"]))
    return vals


def aa_by_round(recs, cfg, depth, at=None):
    """{round: ns}: the mean of a round's measurements."""
    return {k: statistics.mean(v) for k, v in aa_times(recs, cfg, depth, at).items()}


def aa_baseline(recs, cfg, depth):
    """The "nothing confined" of CFG's rounds: the two measurements either
    side of its group (the AppArmor configurations come first in a round)."""
    return aa_by_round(recs, "none", depth, ("start", "mid") if cfg.startswith("aa_") else ("mid", "end"))


def aa_fastest(recs, cfg, depth):
    """CFG's fastest loop in the boot, None when it has none."""
    return min((ns for v in aa_times(recs, cfg, depth).values() for ns in v), default=None)


def fastest_ratio(recs, num, den, depth):
    n, d = aa_fastest(recs, num, depth), aa_fastest(recs, den, depth)
    return n / d if n is not None and d else None


def added_ratio(enf, aa):
    """What enforcer adds over nothing confined, divided by what AppArmor adds
    (both ratios to nothing confined)."""
    if enf is None or aa is None:
        return "n/a"
    if aa <= 1:
        return "n/a (AppArmor adds nothing measurable)"
    return f"{(enf - 1) / (aa - 1):.2f}"


def fmt(v, f="{:.3f}"):
    return "n/a" if v is None else f.format(v)


def apparmor_section(name, recs, targets, out):
    meta = next((r for r in recs if r.get("kind") == "aameta"), None)
    depths = [int(d) for d in meta["depths"].split(",")] if meta else [3, 10]
    rows = [(d, f"open+close depth {d}: enforcer {lst}-list / AppArmor {lst}-list (fastest rounds, same boot)", 1.00,
             f"enf_{lst}", f"aa_{lst}") for d in depths for lst in ("deny", "allow")]
    rows += [(d, f"open+close depth {d}: enforcer loaded, unconfined vs nothing confined (fastest rounds, AppArmor "
              "active)", 1.02, "enf_loaded", "none") for d in depths]
    if not meta:
        for _, what, goal, _, _ in rows:
            targets.add(name, what, goal, None)
        return
    skipped = meta.get("apparmor") != "active"
    out.append("### Beside AppArmor (open+close)\n")
    out.append(f"The boot lists AppArmor among the LSMs (`{meta.get('lsm', '?')}`); profiles are compiled and loaded "
               f"by the Debian `apparmor` package's parser (`apparmor_parser -r`, version "
               f"{meta.get('parser_version', '?')}, with Debian's `parser.conf`) and entered by writing `exec PROFILE` "
               f"to `{meta.get('enter', '?')}` before the loop's exec. The same `enf-bench openclose` loop "
               f"({meta.get('n_open', '?')} open+close of a file at depth {' and '.join(map(str, depths))}, below "
               f"`/srv/bench`) runs in each configuration, in {meta.get('rounds', '?')} round(s); within a round the "
               "AppArmor configurations, then an LSM program that does nothing on file_open (`enf-empty-lsm`, "
               "detached after: the kernel's charge for any BPF-LSM program there, enforcer's included), then the "
               "enforcer ones (daemon started, stopped with `--remove-enforcement` after), each group in an order "
               "that turns from round to round. *Nothing confined* is measured at the start of each round, "
               "between the AppArmor group and the rest, and at the end. Before "
               "each configuration is timed, an open of a file outside its rules (`/srv/other/denied`) must fail "
               "with EACCES or EPERM from inside it (from inside the unconfined ones it must succeed), and the "
               "timed files must open; a configuration that fails this is not timed in that round.\n")
    out.append("Two readings of the same loops. *Fastest*: each configuration's fastest loop of the boot against "
               "the fastest loop with nothing confined. Other guests on the host's cores only ever add time to a "
               "loop, so the fastest round is the closest to what an open costs, and this ratio holds from boot to "
               "boot where single rounds swing by tens of percent; the targets are judged on it. *Per round*: "
               "each round's loop against the *nothing confined* measured either side of its group (the mean of "
               "the two), min / median / max over rounds: the spread shows how busy the host was (the row of "
               "*nothing confined* itself gives end / start of each round).\n")
    if skipped:
        out.append(f"**AppArmor rows skipped in this boot** ({meta.get('apparmor', '?').replace('-', ' ')}): "
                   "only the enforcer configurations were measured.\n")
    checks = {}
    for r in recs:
        if r.get("kind") == "aacheck":
            checks.setdefault(r["cfg"], []).append((r["round"], r["result"]))
    out.append("| configuration | " + " | ".join(f"depth {d}: fastest ns (median) | depth {d}: fastest / nothing "
                                                 f"confined | depth {d}: per round" for d in depths)
               + " | checked before timing |")
    out.append("| --- " * (2 + 3 * len(depths)) + "|")
    for cfg, title in AA_CFGS:
        if skipped and cfg.startswith("aa_"):
            out.append(f"| {title} | " + " | ".join("skipped | skipped | skipped" for _ in depths) + " | skipped |")
            continue
        cells = []
        for d in depths:
            fast = aa_fastest(recs, cfg, d)
            ns = med([x for v in aa_times(recs, cfg, d).values() for x in v])
            if cfg == "none":
                rnd = mmm(ratios(aa_by_round(recs, cfg, d, ("end",)), aa_by_round(recs, cfg, d, ("start",))))
            else:
                rnd = mmm(ratios(aa_by_round(recs, cfg, d), aa_baseline(recs, cfg, d)))
            cells.append(f"{fmt(fast, '{:,}')} ({fmt(ns, '{:,.0f}')}) | "
                         f"{fmt(fastest_ratio(recs, cfg, 'none', d)) if cfg != 'none' else '1'} | {rnd}")
        cs = checks.get(cfg, [])
        bad = [rnd for rnd, res in cs if res != "ok"]
        ok = f"{len(cs) - len(bad)} of {len(cs)} passed" if cs else "no check recorded"
        if bad:
            ok += f"; **failed in round {', '.join(sorted(set(bad), key=int))}: not timed there**"
        out.append(f"| {title} | " + " | ".join(cells) + f" | {ok} |")
    out.append("")
    out.append("Enforcer against AppArmor, profile for profile: the fastest loops' ratio, the ratio in each round "
               "(min / median / max), and what enforcer adds over nothing confined divided by what AppArmor adds "
               "(fastest loops).\n")
    out.append("| depth | list | enforcer / AppArmor, fastest | enforcer / AppArmor, per round | added: enforcer / "
               "AppArmor |")
    out.append("| --- | --- | --- | --- | --- |")
    for d in depths:
        for lst in ("deny", "allow"):
            e, a = f"enf_{lst}", f"aa_{lst}"
            out.append(f"| {d} | {lst}-list | {fmt(fastest_ratio(recs, e, a, d))} | "
                       f"{mmm(ratios(aa_by_round(recs, e, d), aa_by_round(recs, a, d)))} | "
                       f"{added_ratio(fastest_ratio(recs, e, 'none', d), fastest_ratio(recs, a, 'none', d))} |")
    out.append("")
    for d, what, goal, num, den in rows:
        targets.add(name, what, goal, fastest_ratio(recs, num, den, d))


# ---- workloads in the system guest (tests/bench/workloads.sh) ---------------------------

WL_TITLE = {"nginx-static": ("nginx, static GET (ab)", "requests/s"), "redis-set": ("redis-server, SET (redis-benchmark)", "ops/s"),
            "redis-get": ("redis-server, GET (redis-benchmark)", "ops/s"), "pgbench": ("PostgreSQL, pgbench TPC-B", "tps")}
WL_CFGS = ["none", "apparmor", "enforcer"]
WL_SERVICE = {"nginx-static": "nginx", "redis-set": "redis-server", "redis-get": "redis-server", "pgbench": "postgresql"}


def wl_by_round(recs, cfg, wl):
    return {r["round"]: float(r["value"]) for r in recs
            if r.get("kind") == "wl" and r.get("cfg") == cfg and r.get("wl") == wl}


def workload_section(name, recs, targets, out):
    """The "Workloads" table of one kernel from its system-guest bench log (build/vm/KERNEL-workloads.log)."""
    meta = next((r for r in recs if r.get("kind") == "wlmeta"), None)
    out.append(f"### Workloads: real services in a Debian {name} system guest\n")
    if meta is None:
        out.append("No results: the workload boot left no records (`tests/vm/system-boot.sh --suite "
                   f"{name} --bench`; its log: build/vm/{name}-workloads.log).\n")
        return
    versions = meta.get("versions", "").strip(",").replace(",", ", ")
    out.append(f"One boot of the system guest ({meta.get('kernel')}, {meta.get('cpus')} vCPU under TCG with `-icount shift=2`: "
               "the guest's clock counts its instructions, 4 ns each, so other guests' load on the host does not change "
               "the figures, and a figure is what the work costs in instructions, not in cache misses; systemd as PID 1; "
               f"{versions}), {meta.get('rounds')} rounds. Loads over loopback from inside the guest: "
               f"`ab -n {meta.get('ab_n')} -c {meta.get('ab_c')}` of a small static file; "
               f"`redis-benchmark -n {meta.get('redis_n')} -t set,get`; `pgbench -c {meta.get('pg_clients')} -T {meta.get('pg_t')}` "
               f"at scale {meta.get('pg_scale')} over TCP (`synchronous_commit = off`: no wait for the emulated disk); the service restarted into the "
               f"configuration, a short warm-up, then {meta.get('reps', 1)} timed runs of which the best counts. *none*: no enforcer program loaded (`enforcerctl shutdown --remove-enforcement`, pins "
               "checked gone) and no AppArmor profile on the unit. *apparmor*: the unit under a comparable AppArmor "
               "profile (tests/bench/apparmor/, `AppArmorProfile=` in a drop-in), no enforcer program loaded. "
               "*enforcer*: the unit under the shipped profile (policies/), attached by unit as tests/system/2x-profile-*.sh "
               f"do. AppArmor's LSM is on in this boot for all three (`lsm={meta.get('lsm')}`), as on a stock Debian "
               "system. Before it is timed, each configuration is shown to confine (or, for *none*, not to): a file "
               "outside every profile, readable by DAC, is refused to the service (nginx, PostgreSQL's `pg_read_file`) "
               "or to a process in its domain (redis), and the unit's main process carries the AppArmor profile or "
               "sits in the attached cgroup. Rounds alternate the order (none, apparmor, enforcer; then the reverse). "
               "Ratios are throughput ratios of the same round (higher is better); min / median / max over rounds.\n")
    out.append("| workload | none, median (guest) | enforcer / none | apparmor / none | enforcer / apparmor |")
    out.append("| --- | --- | --- | --- | --- |")
    for wl, (title, unit) in WL_TITLE.items():
        by = {c: wl_by_round(recs, c, wl) for c in WL_CFGS}
        none_med = med(list(by["none"].values()))
        cells = [mmm(ratios(by[a], by[b])) for a, b in (("enforcer", "none"), ("apparmor", "none"), ("enforcer", "apparmor"))]
        out.append(f"| {title} | {f'{none_med:,.1f} {unit}' if none_med else 'n/a'} | " + " | ".join(cells) + " |")
        vs_none, vs_aa = med(ratios(by["enforcer"], by["none"])), med(ratios(by["enforcer"], by["apparmor"]))
        targets.rows.append((name, f"{title}: enforcer / none (throughput)", "≥ 0.98×",
                             "not measured" if vs_none is None else f"{vs_none:.3f}×",
                             "n/a" if vs_none is None else "met" if vs_none >= 0.98 else "**not met**"))
        targets.rows.append((name, f"{title}: enforcer / AppArmor (throughput)", "≥ 1.00×",
                             "not measured" if vs_aa is None else f"{vs_aa:.3f}×",
                             "n/a" if vs_aa is None else "met" if vs_aa >= 1.0 else "**not met**"))
    out.append("")
    fails = [r for r in recs if r.get("kind") == "wlfail"]
    if fails:
        out.append("Not timed (the configuration failed to start, to confine, or its load failed): " +
                   "; ".join(f"round {r.get('round')} {r.get('cfg')} {r.get('service')} ({r.get('why')})" for r in fails) + ".\n")
    done = next((r for r in recs if r.get("kind") == "wldone"), None)
    if done is None:
        out.append("The boot did not finish the rounds (no `kind=wldone` record): the table holds what was measured.\n")
    else:
        out.append(f"The whole run took {int(done['seconds']):,} s of guest time after boot.\n")


def compile_section(tsv, out, targets):
    rows = []
    with open(tsv) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 8:
                rows.append(p)
    out.append("## policyc on the host\n")
    out.append("`policyc compile` of generated profiles (tests/bench/genprofile.sh): N rules in one section, and "
               "*mixed* (N split evenly over file, exec and network). Median of the runs: wall time (min / max "
               "beside) and CPU time (user + sys), and the bundle size. The host's two cores were shared with "
               "other engineers' guest runs (up to five emulated guests), which inflates wall time; CPU time is "
               "the steadier figure and the one the target is judged on. Wall time also includes the fsync of "
               "the bundle (it is written atomically: temporary file, fsync, rename, fsync of the directory).\n")
    out.append("| rules | section | median wall ms | min / max wall ms | median CPU ms | bundle bytes | note |")
    out.append("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        kind, rules, status, medv, minv, maxv, size, note = row[:8]
        cpu = row[8] if len(row) > 8 else ""
        if status == "ok":
            out.append(f"| {int(rules):,} | {kind} | {medv} | {minv} / {maxv} | {cpu} | {int(size):,} | {note} |")
        else:
            out.append(f"| {int(rules):,} | {kind} | — | — | — | — | {note} |")
        if status == "ok" and rules == "10000":
            judged = float(cpu or medv)
            targets.rows.append(("host", f"policyc, 10,000 {kind} rules", "< 100 ms", f"{cpu or medv} ms CPU ({medv} ms wall)",
                                 "met" if judged < 100 else "**not met**"))
    out.append("")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    targets = Targets()
    body = []
    kernels = []
    for arg in sys.argv[2:]:
        name, log = arg.split("=", 1)
        if name.endswith(":start"):
            start_section(name[:-len(":start")], parse(log) if os.path.exists(log) else [], targets, body)
            continue
        if name.endswith(":workloads"):
            workload_section(name[:-len(":workloads")], parse(log) if os.path.exists(log) else [], targets, body)
            continue
        recs = parse(log)
        if not recs:
            body.append(f"## Kernel {name}\n\nNo results: see {log}.\n")
            continue
        kernels.append(name)
        kernel_section(name, recs, targets, body)
    compile_section(sys.argv[1], body, targets)

    out = ["<!-- SPDX-License-Identifier: GPL-2.0-only -->", "# Benchmarks: what enforcement costs\n",
           f"Generated by `tests/bench/run.sh` on {datetime.date.today().isoformat()}. Reproduce with:\n",
           "```sh\nmake bench            # = tests/bench/run.sh: host compile timing, then one bench boot per kernel\n"
           "tests/bench/run.sh --kernel bookworm   # one kernel\n"
           "tests/bench/run.sh --no-boot           # rewrite this file from the last logs (build/vm/*-bench.log)\n```\n",
           "Guest numbers come from stock Debian kernels under qemu TCG (one emulated vCPU; the host has 2 cores "
           "shared with other guest runs), so absolute guest nanoseconds mean little: every comparison is a "
           "ratio between configurations measured in the same boot, in interleaved rounds, given as "
           "min / median / max over rounds. A single round's ratio can be off by tens of percent in either "
           "direction when another guest competes for the CPU; read medians, and distrust a ratio below 1.0 "
           "as much as one above. The per-program table (the kernel's own run_time_ns / run_cnt) is the "
           "cleanest figure for what a hook costs.\n",
           "## Targets\n", "| where | target | goal | measured (median) | status |", "| --- | --- | --- | --- | --- |"]
    for k, what, goal, value, status in targets.rows:
        out.append(f"| {k} | {what} | {goal} | {value} | {status} |")
    out.append("")
    # Hand-written reading of the results, kept beside this script.
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "analysis.md")
    if os.path.exists(notes):
        with open(notes) as f:
            out.append(f.read())
    print("\n".join(out + body))


if __name__ == "__main__":
    main()
