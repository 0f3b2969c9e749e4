#!/usr/bin/env python3
"""Native sanity check of testbins/expect.toml.

Every test program is an ordinary static Linux executable, so its verdicts can be sampled by
running it. Each binary runs under a small ptrace supervisor (no strace, no gdb) that plays the
role of tandem's `read`/`write` stubs:

* the n-th `read` returns exactly the n-th chunk of the input (truncated to the requested
  count; after the last chunk every read returns 0 bytes), so programs with several reads see
  exactly the intended chunks, with no pipe timing involved; a chunk may also be an error (None:
  the read returns -EIO), as in tandem's read stub, where `read_error(n)` may be non-zero;
* every `read(fd, count)` and `write(fd, bytes)` is recorded as an event and not performed;
* `exit`/`exit_group` ends the trace with the exit status; a signal (a fault) ends it with the
  signal's name; any other system call is a violation;
* at exit, the final contents of the `.output` section are read from the process and compared.
  Native runs cannot see the *sequence* of `.output` stores, only their final result: a pair
  whose only difference is store order or a store overwritten later is not distinguished here.

For every program and variant, at -O0 and at -O2, orig and the variant run on the same inputs
(at least MIN_INPUTS: random chunks of random length up to each read's count, plus edge cases)
and the traces are compared against the expected verdict:

* equivalent: every input gives the same trace;
* inequivalent: every input gives different traces;
* conditionally-equivalent: the traces agree exactly on the inputs where `check` holds.

It also checks that the -O0 and -O2 builds of every single source agree on every input, that no
binary faults except where expect.toml declares it (`orig_faults`, or `faults` in a variant), that
no binary has undefined symbols, and, on a sample of inputs that a pipe delivers in the same
chunks, that a plain run with the input on stdin gives the supervisor's stdout and exit status.

Usage: python3 check.py [-j JOBS] [-n MIN_INPUTS] [-q] [--analyze] [PROGRAM ...]
`--analyze` prints, per binary, jump tables, self-recursive calls and packed SSE instructions
(the notes in README.md come from it) instead of running the check.
Exit status: 0 when everything holds, 1 on any violation.
"""

import argparse
import ctypes
import hashlib
import multiprocessing
import os
import random
import re
import resource
import signal
import struct
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
OPTS = ("O0", "O2")
VERDICTS = ("equivalent", "inequivalent", "conditionally-equivalent")
MIN_INPUTS = 200
COND_SIDE_MIN = 40  # inputs required on each side of a condition
CROSSCHECK_PER_BINARY = 6

# ---------------------------------------------------------------------------------------------
# ptrace supervisor

PTRACE_TRACEME = 0
PTRACE_KILL = 8
PTRACE_GETREGS = 12
PTRACE_SETREGS = 13
PTRACE_SYSCALL = 24
PTRACE_SETOPTIONS = 0x4200
PTRACE_O_TRACESYSGOOD = 1
PTRACE_O_EXITKILL = 0x100000

SYS_READ, SYS_WRITE, SYS_EXIT, SYS_EXIT_GROUP = 0, 1, 60, 231
EIO = 5
MAX_SYSCALLS = 4096
U64 = (1 << 64) - 1

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.restype = ctypes.c_long
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


class Regs(ctypes.Structure):
    _fields_ = [(name, ctypes.c_ulonglong) for name in (
        "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss "
        "fs_base gs_base ds es fs gs").split()]


def _ptrace(req, pid, addr=None, data=None):
    r = _libc.ptrace(req, pid, addr, data)
    if r == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"ptrace({req}) on {pid}: {os.strerror(err)}")
    return r


def output_section(path):
    """(address, size, ((symbol, offset, size), ...)) of the .output section of an ELF64 file,
    or None when it has none."""
    with open(path, "rb") as f:
        data = f.read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def sh(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
    def cstr(off):
        return data[off:data.index(b"\0", off)].decode()
    stroff = sh(shstrndx)[4]
    index = None
    for i in range(shnum):
        if cstr(stroff + sh(i)[0]) == ".output":
            index = i
    if index is None:
        return None
    addr, size = sh(index)[3], sh(index)[5]
    syms = []
    for i in range(shnum):
        _n, typ, _f, _a, off, sz, link, _i, _al, entsize = sh(i)
        if typ != 2:  # SHT_SYMTAB
            continue
        strtab = sh(link)[4]
        for k in range(sz // entsize):
            name, _info, _other, shndx, value, ssize = struct.unpack_from(
                "<IBBHQQ", data, off + k * entsize)
            if shndx == index and ssize:
                syms.append((cstr(strtab + name), value - addr, ssize))
    return addr, size, tuple(sorted(syms))


def output_by_symbol(raw, outsec):
    """The final .output contents, keyed by symbol so that layouts may differ."""
    return tuple((name, raw[off:off + size]) for name, off, size in outsec[2])


def trace(path, chunks, outsec):
    """Runs `path` with the n-th read returning chunks[n]. Returns (events, delivered chunks)."""
    pid = os.fork()
    if pid == 0:  # child
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (2, 2))
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            _ptrace(PTRACE_TRACEME, 0)
            os.execv(path, [path])
        finally:
            os._exit(127)
    events, delivered = [], []
    mem = None
    try:
        _, st = os.waitpid(pid, 0)
        if not os.WIFSTOPPED(st):
            raise RuntimeError(f"{path}: did not stop at exec")
        _ptrace(PTRACE_SETOPTIONS, pid, None, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)
        mem = os.open(f"/proc/{pid}/mem", os.O_RDWR)
        regs = Regs()
        in_call, result, sig, calls = False, 0, 0, 0
        while True:
            _ptrace(PTRACE_SYSCALL, pid, None, sig)
            sig = 0
            _, st = os.waitpid(pid, 0)
            if os.WIFEXITED(st):
                events.append(("exit?", os.WEXITSTATUS(st)))
                return events, delivered
            if os.WIFSIGNALED(st):
                events.append(("signal", signal.Signals(os.WTERMSIG(st)).name))
                return events, delivered
            stop = os.WSTOPSIG(st)
            if stop != (signal.SIGTRAP | 0x80):
                # A signal is about to be delivered: the program faulted (or ran out of CPU).
                events.append(("signal", signal.Signals(stop).name))
                return events, delivered
            _ptrace(PTRACE_GETREGS, pid, None, ctypes.addressof(regs))
            if in_call:  # syscall-exit stop: supply the result of the skipped call
                regs.rax = result & U64
                _ptrace(PTRACE_SETREGS, pid, None, ctypes.addressof(regs))
                in_call = False
                continue
            calls += 1
            nr, a0, a1, a2 = regs.orig_rax, regs.rdi, regs.rsi, regs.rdx
            if calls > MAX_SYSCALLS:
                events.append(("too-many-syscalls",))
                return events, delivered
            if nr == SYS_READ:
                i = len(delivered)
                data = chunks[i] if i < len(chunks) else b""
                events.append(("read", a0 & 0xFFFFFFFF, a2))
                if data is None:
                    delivered.append(None)
                    result = -EIO
                else:
                    data = data[:a2]
                    delivered.append(data)
                    if data:
                        os.pwrite(mem, data, a1)
                    result = len(data)
            elif nr == SYS_WRITE:
                if a2 > 1 << 20:
                    events.append(("write-too-long", a0 & 0xFFFFFFFF, a2))
                    return events, delivered
                data = os.pread(mem, a2, a1) if a2 else b""
                events.append(("write", a0 & 0xFFFFFFFF, data))
                result = a2
            elif nr in (SYS_EXIT, SYS_EXIT_GROUP):
                if outsec:
                    raw = os.pread(mem, outsec[1], outsec[0])
                    events.append(("output", output_by_symbol(raw, outsec)))
                events.append(("exit", a0 & 0xFF))
                return events, delivered
            else:
                events.append(("syscall", nr))
                return events, delivered
            regs.orig_rax = U64  # skip the real system call
            _ptrace(PTRACE_SETREGS, pid, None, ctypes.addressof(regs))
            in_call = True
    finally:
        if mem is not None:
            os.close(mem)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def pipe_stream(events, delivered):
    """The stdin bytes that make plain pipe reads return exactly `delivered`, or None."""
    if None in delivered:
        return None
    counts = [e[2] for e in events if e[0] == "read"]
    stream = b"".join(delivered)
    pos = 0
    for count, got in zip(counts, delivered):
        if stream[pos:pos + count] != got:
            return None
        pos += len(got)
    return stream


def native_run(path, stream):
    p = subprocess.run([path], input=stream, capture_output=True, timeout=10)
    return p.stdout, p.stderr, p.returncode


def crosscheck(path, events, delivered):
    """Compares a plain run (stdin from a pipe) with the supervised trace; None when it agrees."""
    stream = pipe_stream(events, delivered)
    if stream is None:
        return None
    out, err, rc = native_run(path, stream)
    want_out = b"".join(e[2] for e in events if e[0] == "write" and e[1] == 1)
    want_err = b"".join(e[2] for e in events if e[0] == "write" and e[1] == 2)
    last = events[-1]
    want_rc = last[1] if last[0] == "exit" else -signal.Signals[last[1]].value
    if (out, err, rc) != (want_out, want_err, want_rc):
        return f"plain run gives stdout={out!r} stderr={err!r} status={rc}"
    return None


# ---------------------------------------------------------------------------------------------
# inputs

def evaluate(expr, chunks):
    """Evaluates a check expression; a failed read (None) counts as one returning no bytes,
    which is how every program treats it."""
    chunks = [ch if ch is not None else b"" for ch in chunks]
    inp = b"".join(chunks)
    c = list(chunks) + [b""] * 8
    return bool(eval(expr, {"__builtins__": {"len": len, "all": all, "any": any, "int": int,
                                            "sum": sum, "bytes": bytes, "range": range,
                                            "min": min, "max": max}},
                     {"inp": inp, "c": c}))


def random_input(rng, reads, alphabet):
    chunks = []
    for cap in reads:
        if rng.random() < 0.03:
            chunks.append(None)  # a failed read
            continue
        r = rng.random()
        n = 0 if r < 0.08 else cap if r < 0.3 else rng.randint(0, cap)
        if alphabet and rng.random() < 0.6:
            chunks.append(bytes(rng.choice(alphabet) for _ in range(n)))
        else:
            chunks.append(bytes(rng.randrange(256) for _ in range(n)))
    return chunks


def make_inputs(name, spec, min_inputs):
    reads = spec["reads"]
    alphabet = spec.get("alphabet", "").encode("latin-1")
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    rng = random.Random(seed)
    inputs = [
        [b"" for _ in reads],
        [None for _ in reads],
        [bytes([0] * cap) for cap in reads],
        [bytes([0xFF] * cap) for cap in reads],
        [bytes(rng.randrange(256) for _ in range(cap)) for cap in reads],
    ]
    for k in range(len(reads)):  # one chunk short, the others full
        inputs.append([bytes(rng.randrange(256) for _ in range(cap if i != k else cap // 2))
                       for i, cap in enumerate(reads)])
    for expr in spec.get("edges", []):
        inputs.append([bytes(ch) for ch in eval(expr, {"__builtins__": {"bytes": bytes,
                                                                          "range": range,
                                                                          "list": list}})])
    while len(inputs) < min_inputs:
        inputs.append(random_input(rng, reads, alphabet))
    # Enough inputs on both sides of every condition.
    for key, var in sorted(variants_of(spec).items()):
        if var["verdict"] != "conditionally-equivalent":
            continue
        expr = var["check"]
        sides = [sum(1 for i in inputs if evaluate(expr, i) == s) for s in (False, True)]
        tries = 0
        while min(sides) < COND_SIDE_MIN and tries < 50000:
            tries += 1
            i = random_input(rng, reads, alphabet)
            s = evaluate(expr, i)
            if sides[s] < COND_SIDE_MIN:
                inputs.append(i)
                sides[s] += 1
    return inputs


def variants_of(spec):
    return {k: v for k, v in spec.items() if isinstance(v, dict) and "verdict" in v}


# ---------------------------------------------------------------------------------------------
# checking one program

def fmt(chunks):
    return "[" + ", ".join("ERR" if ch is None else ch.hex() or "''" for ch in chunks) + "]"


def check_program(args):
    name, spec, min_inputs = args
    srcdir = os.path.join(HERE, "src", name)
    sources = sorted(f[:-2] for f in os.listdir(srcdir) if f.endswith(".c"))
    variants = variants_of(spec)
    violations, rows, notes = [], [], []
    inputs = make_inputs(name, spec, min_inputs)

    faults = {"orig": spec.get("orig_faults")}
    for key, var in variants.items():
        faults[key] = var.get("faults")

    traces = {}
    layouts = {}
    has_output = False
    crosschecked = 0
    for src in sources:
        for opt in OPTS:
            path = os.path.join(HERE, "bin", name, f"{src}-{opt}")
            if not os.path.exists(path):
                violations.append(f"{name}/{src}-{opt}: binary missing (run make)")
                continue
            outsec = output_section(path)
            has_output |= outsec is not None
            layouts.setdefault(opt, {})[src] = outsec and outsec[2]
            runs, sampled = [], 0
            for inp in inputs:
                events, delivered = trace(path, inp, outsec)
                runs.append(tuple(events))
                last = events[-1]
                if last[0] not in ("exit", "signal"):
                    violations.append(f"{name}/{src}-{opt}: input {fmt(inp)}: ends with {last}")
                    continue
                fault_expr = faults.get(src)
                want_fault = bool(fault_expr) and evaluate(fault_expr, inp)
                if (last[0] == "signal") != want_fault:
                    violations.append(
                        f"{name}/{src}-{opt}: input {fmt(inp)}: "
                        + (f"dies of {last[1]}" if last[0] == "signal" else "does not fault")
                        + (" (declared)" if want_fault else " (not declared)"))
                if sampled < CROSSCHECK_PER_BINARY and pipe_stream(events, delivered) is not None:
                    sampled += 1
                    crosschecked += 1
                    problem = crosscheck(path, events, delivered)
                    if problem:
                        violations.append(f"{name}/{src}-{opt}: input {fmt(inp)}: {problem}")
            traces[(src, opt)] = runs

    # At one optimisation level, .output is laid out alike in orig and every variant, so that
    # tandem's stores at the same offsets mean the same variables.
    for opt, per_src in sorted(layouts.items()):
        for src, layout in sorted(per_src.items()):
            if layout != per_src.get("orig"):
                violations.append(f"{name}/{src}-{opt}: .output layout {layout} differs from "
                                  f"orig's {per_src.get('orig')}")

    # -O0 against -O2 of every single source.
    for src in sources:
        a, b = traces.get((src, "O0")), traces.get((src, "O2"))
        if a is None or b is None:
            continue
        for inp, ta, tb in zip(inputs, a, b):
            if ta != tb:
                violations.append(f"{name}/{src}: -O0 and -O2 differ on {fmt(inp)}: "
                                  f"{ta} vs {tb}")
                break

    for key in sorted(variants):
        var = variants[key]
        for opt in OPTS:
            a, b = traces.get(("orig", opt)), traces.get((key, opt))
            if a is None or b is None:
                continue
            agree = [ta == tb for ta, tb in zip(a, b)]
            total, same = len(agree), sum(agree)
            verdict = var["verdict"]
            bad_inp = None
            if verdict == "equivalent":
                ok = same == total
                if not ok:
                    bad_inp = next(i for i, g in zip(inputs, agree) if not g)
                detail = f"{same}/{total} agree"
            elif verdict == "inequivalent":
                ok = same == 0
                if not ok:
                    bad_inp = next(i for i, g in zip(inputs, agree) if g)
                detail = f"{total - same}/{total} differ"
            else:
                conds = [evaluate(var["check"], i) for i in inputs]
                wrong = [i for i, g, c in zip(inputs, agree, conds) if g != c]
                holds = sum(conds)
                ok = not wrong and 0 < holds < total
                if wrong:
                    bad_inp = wrong[0]
                detail = (f"cond holds {holds}/{total}, agree {same}/{total}, "
                          f"{len(wrong)} mismatches")
                if not 0 < holds < total:
                    violations.append(f"{name}/{key}-{opt}: condition never "
                                      f"{'fails' if holds else 'holds'} on the inputs")
            rows.append((name, key, opt, verdict, "ok" if ok else "FAIL", detail))
            if not ok:
                ia = inputs.index(bad_inp)
                violations.append(f"{name}/{key}-{opt}: expected {verdict}, {detail}; "
                                  f"input {fmt(bad_inp)}: orig {a[ia]} / {key} {b[ia]}")
    if has_output:
        notes.append(f"{name}: .output compared by its final contents per symbol "
                     "(the order of the stores is not seen natively)")
    nruns = sum(len(r) for r in traces.values())
    return name, rows, violations, notes, nruns, len(inputs), crosschecked


# ---------------------------------------------------------------------------------------------
# static checks and analysis

def static_checks(programs):
    violations = []
    for name in programs:
        for f in sorted(os.listdir(os.path.join(HERE, "bin", name))):
            path = os.path.join(HERE, "bin", name, f)
            und = subprocess.run(["nm", "-u", path], capture_output=True, text=True).stdout
            if und.strip():
                violations.append(f"{name}/{f}: undefined symbols: {und.split()}")
            syms = subprocess.run(["nm", path], capture_output=True, text=True).stdout
            for bad in ("memcpy", "memset", "memmove", "memcmp"):
                if re.search(rf"\b{bad}\b", syms):
                    violations.append(f"{name}/{f}: contains {bad}")
    return violations


def functions(path):
    """{function name: [(address, mnemonic, operands)]} from objdump."""
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path],
                          capture_output=True, text=True).stdout
    funcs, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^([0-9a-f]+) <([^>]+)>:$", line)
        if m:
            cur = funcs.setdefault(m.group(2), [])
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if m and cur is not None:
            cur.append((int(m.group(1), 16), m.group(2), m.group(3)))
    return funcs


PACKED = re.compile(r"^(p(add|sub|mul|shuf|unpck|and|or|xor|cmp|max|min|sad|movzx|movsx|sll|srl|"
                    r"sra|insr|extr|madd|alignr|blend)\w*|movdq[au]|movaps|movups|shufps|"
                    r"punpck\w*)$")


def analyze(programs):
    for name in programs:
        for f in sorted(os.listdir(os.path.join(HERE, "bin", name))):
            path = os.path.join(HERE, "bin", name, f)
            funcs = functions(path)
            notes = []
            for fn, insns in funcs.items():
                tables = [i for i in insns if i[1] == "jmp" and i[2].startswith("*")]
                if tables:
                    notes.append(f"{fn}: jump table ({tables[0][2]})")
                calls_self = [i for i in insns if i[1] == "call" and f"<{fn}>" in i[2]]
                if calls_self:
                    notes.append(f"{fn}: calls itself")
                calls_fnptr = [i for i in insns if i[1] == "call" and i[2].startswith("*")]
                if calls_fnptr:
                    notes.append(f"{fn}: indirect call")
                packed = sorted({i[1] for i in insns if PACKED.match(i[1])})
                if packed:
                    # A backward branch over a packed instruction marks a vectorized loop.
                    in_loop = any(
                        i[1].startswith("j") and i[1] != "jmp" and re.match(r"^[0-9a-f]+", i[2])
                        and int(i[2].split()[0], 16) <= p[0] < i[0]
                        for i in insns for p in insns if PACKED.match(p[1]))
                    notes.append(f"{fn}: packed SSE {' '.join(packed)}"
                                 + (" in a loop" if in_loop else " (straight-line)"))
            funcs_list = ", ".join(k for k in funcs if k not in ("_start",))
            print(f"{name}/{f}: functions {funcs_list}")
            for n in notes:
                print(f"    {n}")


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("programs", nargs="*")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("-n", "--min-inputs", type=int, default=MIN_INPUTS)
    ap.add_argument("-q", "--quiet", action="store_true", help="print only the summary and violations")
    ap.add_argument("--analyze", action="store_true")
    args = ap.parse_args()

    with open(os.path.join(HERE, "expect.toml"), "rb") as f:
        expect = tomllib.load(f)
    on_disk = sorted(d for d in os.listdir(os.path.join(HERE, "src"))
                     if os.path.isdir(os.path.join(HERE, "src", d)))
    programs = args.programs or on_disk
    if args.analyze:
        analyze(programs)
        return 0

    violations = []
    # expect.toml and src/ describe the same programs and variants.
    for name in sorted(set(on_disk) | set(expect)):
        if name not in expect:
            violations.append(f"{name}: no table in expect.toml")
            continue
        if name not in on_disk:
            violations.append(f"{name}: in expect.toml but not in src/")
            continue
        spec = expect[name]
        files = {f[:-2] for f in os.listdir(os.path.join(HERE, "src", name)) if f.endswith(".c")}
        keys = set(variants_of(spec))
        for must in ("orig", "good", "bad"):
            if must not in files:
                violations.append(f"{name}: missing {must}.c")
        for k in sorted(files - keys - {"orig"}):
            violations.append(f"{name}: {k}.c has no entry in expect.toml")
        for k in sorted(keys - files):
            violations.append(f"{name}: expect.toml names {k} but there is no {k}.c")
        for k in sorted(keys):
            var = spec[k]
            if var["verdict"] not in VERDICTS:
                violations.append(f"{name}/{k}: unknown verdict {var['verdict']}")
            if not var.get("why"):
                violations.append(f"{name}/{k}: no why")
            if var["verdict"] == "conditionally-equivalent" and not (
                    var.get("condition") and var.get("check")):
                violations.append(f"{name}/{k}: conditional verdict without condition/check")
            if k.startswith("cond") != (var["verdict"] == "conditionally-equivalent"):
                violations.append(f"{name}/{k}: cond* variants, and only they, are conditional")
        for key in ("description", "categories", "reads"):
            if key not in spec:
                violations.append(f"{name}: no {key}")
        if any(r > 64 for r in spec.get("reads", [])):
            violations.append(f"{name}: a read of more than 64 bytes")

    programs = [p for p in programs if p in expect and p in on_disk]
    violations += static_checks(programs)

    jobs = [(p, expect[p], args.min_inputs) for p in programs]
    with multiprocessing.Pool(max(1, args.jobs)) as pool:
        results = pool.map(check_program, jobs, chunksize=1)

    print(f"{'program':<22} {'variant':<14} {'opt':<3} {'expected':<24} {'':<4} detail")
    total_runs = total_pairs = crosschecked = 0
    notes = []
    for name, rows, viol, pnotes, nruns, ninputs, cc in results:
        for row in rows:
            if not args.quiet or row[4] != "ok":
                print(f"{row[0]:<22} {row[1]:<14} {row[2]:<3} {row[3]:<24} {row[4]:<4} {row[5]}")
        violations += viol
        notes += pnotes
        total_runs += nruns
        total_pairs += len(rows)
        crosschecked += cc
    if notes:
        print()
        for n in notes:
            print(f"note: {n}")
    if violations:
        print()
        for v in violations:
            print(f"VIOLATION: {v}")
    print()
    print(f"check.py: {len(results)} programs, {total_pairs} pairs (variant x opt), "
          f"{total_runs} supervised runs, {crosschecked} plain-pipe cross-checks, "
          f"{len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
