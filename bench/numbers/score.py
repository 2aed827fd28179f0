#!/usr/bin/env python3
"""Score the numbers stage on data nobody on the project wrote.

    bench/numbers/score.py --textpipe BUILD/textpipe [DATA] [--failures] [--only SET]
    bench/numbers/score.py --driver BUILD/bench/numbers/numbers-driver [DATA] ...

DATA defaults to ../shared/data relative to the repository root (of the main
checkout when run from a git worktree).  The runner (`textpipe run PIPELINE -
-q`, with a one-stage pipeline written to a temporary file) runs the stage
over every case; the driver built next to this script (JSON Lines in,
records out) gives the same findings without the runner.

Figures printed:
  * Recognizers-Text (recognizers-text-number-en): per file and per category
    the share of cases where every expected result is found with the same
    span and value and nothing else of that category is found; the failures
    are listed by category with --failures.
  * Duckling (duckling-en-corpus): Numeral, Ordinal, AmountOfMoney and
    Quantity positive examples: one finding covering the whole text, with
    the expected value.
  * re3d: Quantity and Money spans, precision and recall (exact span, and
    overlap), over all documents.
"""
import argparse
import glob
import json
import math
import os
import re
import subprocess
import sys
import tempfile

from paths import HERE, ROOT, default_data


def run_stage(args, texts):
    """Run the stage over a list of texts; returns a list of findings lists."""
    lines = "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts))
    if args.textpipe:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as fp:
            fp.write("pipeline: numbers-only\nversion: 1\nstages:\n  - plugin: numbers\n")
            pipe = fp.name
        cmd = [args.textpipe, "run", pipe, "-", "-q"]
    else:
        cmd = [args.driver]
    try:
        out = subprocess.run(cmd, input=lines.encode(), stdout=subprocess.PIPE, check=True).stdout
    finally:
        if args.textpipe:
            os.unlink(pipe)
    recs = {}
    for line in out.decode().splitlines():
        if line.strip():
            r = json.loads(line)
            recs[r["id"]] = r.get("numbers", [])
    return [recs.get(str(i), []) for i in range(len(texts))]


def close(a, b):
    try:
        a = float(a)
        b = float(b)
    except (TypeError, ValueError):
        return False
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


HEDGE_DIR = {  # approx -> which side of the number the claim lies
    "more than": "(", "over": "(", "at least": "[",
    "fewer than": ")", "up to": "]", "exactly": "=",
}

# ---------------------------------------------------------------- Recognizers

FILES = [
    ("Number/NumberModel.json", "number"),
    ("Number/NumberModelExperimentalMode.json", "number"),
    ("Number/NumberModelPercentMode.json", "number"),
    ("Number/OrdinalModel.json", "ordinal"),
    ("Number/OrdinalModelSuppressExtendedTypes.json", "ordinal"),
    ("Number/PercentModel.json", "percentage"),
    ("Number/PercentModelPercentMode.json", "percentage"),
    ("Number/NumberRangeModel.json", "numberrange"),
    ("Number/NumberRangeModelExperimentalMode.json", "numberrange"),
    ("NumberWithUnit/CurrencyModel.json", "currency"),
    ("NumberWithUnit/DimensionModel.json", "dimension"),
]

# which of our kinds answer which of their categories
KINDS = {
    "number": {"cardinal", "fraction"},
    "ordinal": {"ordinal"},
    "percentage": {"percent"},
    "numberrange": {"range"},
    "currency": {"money"},
    "dimension": {"quantity", "duration"},
}

CUR_NAMES = {"Dollar": "USD", "United States dollar": "USD", "Pound": "GBP", "British pound": "GBP",
             "Euro": "EUR", "Chinese yuan": "CNY", "Japanese yen": "JPY", "Canadian dollar": "CAD",
             "Australian dollar": "AUD", "Hong Kong dollar": "HKD", "Indian rupee": "INR",
             "Swiss franc": "CHF", "Cent": "USD", "Penny": "GBP", "Pence": "GBP"}


HEDGE_WORDS = set("more than over about around approximately nearly almost up to at least most some fewer "
                  "less under below above roughly estimated an just well close as many much no not greater in "
                  "excess of upwards circa a minimum maximum shy approx. exactly equal equals equaling exceed exceeds "
                  "exceeded exceeding surpass surpasses surpassed surpassing".split())


def number_part(text, f):
    """Span of a finding without its hedge (their spans leave hedges out)."""
    s, e = f["start"], f["end"]
    if f.get("approx") and not f["approx"].endswith(" of"):
        while s < e:
            m = re.match(r"([A-Za-z.]+) +", text[s:e])
            if not m or m.group(1).lower() not in HEDGE_WORDS:
                break
            s += m.end()
    return s, e


def interval_of(f):
    """Our finding as an interval (lo, hi, lo_open, hi_open) for range scoring."""
    k = f.get("kind")
    if k == "range":
        return (f.get("low"), f.get("high"))
    a = f.get("approx")
    v = f.get("value")
    d = HEDGE_DIR.get(a)
    if d is None:
        return None
    if d in "([":
        return (v, None, d)
    if d in ")]":
        return (None, v, d)
    if d == "=":
        return (v, v)
    return None


def parse_interval(sv):
    m = re.match(r"^([\[(])\s*([^,]*),\s*([^)\]]*)([)\]])$", sv)
    if not m:
        return None
    lo = m.group(2) or None
    hi = m.group(3) or None
    return lo, hi, m.group(1), m.group(4)


def value_ok(cat, res, f):
    v = res.get("value")
    if cat in ("number", "ordinal"):
        return f.get("kind") in KINDS[cat] and close(v, f.get("value"))
    if cat == "percentage":
        if f.get("kind") == "range":
            return False
        return f.get("kind") == "percent" and close(str(v).rstrip("%"), f.get("value"))
    if cat == "currency":
        # their cents and pence are counted in cents; ours in the currency
        scale = 100.0 if res.get("unit") in ("Cent", "Penny", "Pence") else 1.0
        if f.get("kind") != "money" or f.get("value") is None or not close(v, f["value"] * scale):
            return False
        iso = res.get("isoCurrency") or CUR_NAMES.get(res.get("unit"))
        return iso is None or iso == f.get("currency")
    if cat == "dimension":
        return f.get("kind") in KINDS[cat] and close(v, f.get("value"))
    if cat == "numberrange":
        want = parse_interval(str(v))
        got = interval_of(f)
        if want is None or got is None:
            return False
        lo, hi, lb, hb = want
        if len(got) == 2:
            return close(lo, got[0]) and close(hi, got[1])
        glo, ghi, side = got
        if lo is not None and hi is not None:
            return False
        if lo is not None:
            return glo is not None and close(lo, glo) and lb == side
        return ghi is not None and close(hi, ghi) and hb == side
    return False


# Deliberate differences: cases where Recognizers asks for something a
# fact-checker does not want.  A failing case is set aside (and counted under
# its reason) when every expected result we miss falls under one of these.
DELIBERATE = {
    "identifier": "numbers inside addresses, phone numbers, slashed dates and codes (192.168.1.2, 5/17/2018, SCP-173)",
    "unit kept": "the number is reported with its currency, unit or year around it ($20, 3 years, more than thirty years)",
    "scale letter": "G read as an identifier (4G), m after digits read as million (1m)",
    "ratio": "a ratio read as one fraction (one in two, 1/4 of), not as a percent or as two numbers",
    "no number": "a mention without a number (a small percent, the %)",
    "relative ordinal": "relative ordinals (last, next, previous, penultimate) are not quantities",
    "ordinal in fraction": "the ordinal inside a fraction (forty two and a third) is read as the fraction",
}
RATIO_RE = re.compile(r"\b(in|out of|over)\b|/")


def deliberate(cat, sub, text, results, found):
    """The reason a failing case is a deliberate difference, or None."""
    if sub == "ordinal.relative":
        return "relative ordinal"
    reasons = set()
    used = set()
    explained = []
    for res in results:
        s, e = res["Start"], res["End"] + 1
        v = res.get("Resolution", {}).get("value")
        matched = False
        for i, f in enumerate(found):
            fs, fe = (f["start"], f["end"]) if cat == "numberrange" and f.get("kind") != "range" else number_part(text, f)
            if (fs, fe) == (s, e) and value_ok(cat, res.get("Resolution", {}), f):
                matched = True
                used.add(i)
                break
        if matched:
            continue
        if v is None or v == "null":
            reasons.add("no number")
            continue
        tok = re.search(r"\S*$", text[:s]).group(0) + text[s:e] + re.match(r"\S*", text[e:]).group(0)
        tok = tok.strip(".,;?!")
        if tok != res["Text"] and re.search(r"[/+]|\d\.\d+\.\d|[A-Za-z]-\d|\d-\d+-\d", tok):
            reasons.add("identifier")
            continue
        if re.search(r"\d\s*[gG]$|\d\s+[mM]$", res["Text"]):
            reasons.add("scale letter")
            explained.append((s, e))
            continue
        why = None
        for i, f in enumerate(found):
            if (cat == "percentage" and f.get("kind") == "fraction" and f["start"] < e and s < f["end"] and
                    close(str(v).rstrip("%"), 100.0 * float(f.get("value") or 0))):
                why = "ratio"
                used.add(i)
                break
            if f["start"] <= s and e <= f["end"] and (f["start"], f["end"]) != (s, e):
                if f.get("kind") == "fraction" and RATIO_RE.search(f["text"]):
                    why = "ratio"
                elif cat == "ordinal" and f.get("kind") == "fraction":
                    why = "ordinal in fraction"
                elif f.get("kind") in ("money", "percent", "quantity", "duration", "year", "date") and (
                        close(v, f.get("value")) or (cat == "numberrange" and value_ok(cat, res.get("Resolution", {}), f))):
                    why = "unit kept"
                if why:
                    used.add(i)
                    break
        if why is None:
            return None
        reasons.add(why)
    # what we found beyond their results must be explained too
    for i, f in enumerate(found):
        if i in used or f.get("kind") not in KINDS[cat]:
            continue
        if any(a <= f["start"] and f["end"] <= b for a, b in explained):
            continue
        if re.match(r"^\d+(\.\d+)?[mk]$", f["text"]):
            reasons.add("scale letter")
        elif f.get("kind") == "fraction" and RATIO_RE.search(f["text"]):
            reasons.add("ratio")
        else:
            return None
    return sorted(reasons)[0] if reasons else None


def score_recognizers(args, data):
    base = os.path.join(data, "recognizers-text-number-en")
    total_pass = {}
    print("== Recognizers-Text (English): span and value")
    print("%-48s %6s %6s %7s" % ("file", "cases", "pass", "rate"))
    fails = {}
    bycat = {}
    delib = {}
    dcases = {}
    for fname, cat in FILES:
        path = os.path.join(base, fname)
        cases = json.load(open(path, encoding="utf-8-sig"))
        texts = [c["Input"] for c in cases]
        outs = run_stage(args, texts)
        npass = 0
        for c, found in zip(cases, outs):
            text = c["Input"]
            subcats = sorted({r["TypeName"] for r in c["Results"]}) or [cat]
            sub = subcats[0] if len(subcats) == 1 else cat
            relevant = [f for f in found if f.get("kind") in KINDS[cat] or
                        (cat == "numberrange" and interval_of(f) is not None)]
            ok = True
            used = set()
            for res in c["Results"]:
                s, e = res["Start"], res["End"] + 1
                hit = None
                for i, f in enumerate(found):
                    fs, fe = f["start"], f["end"]
                    if cat != "numberrange" or f.get("kind") == "range":
                        fs, fe = number_part(text, f)  # a range's own words are not a hedge
                    if (fs, fe) in ((s, e),) or (f["start"], f["end"]) == (s, e):
                        if value_ok(cat, res.get("Resolution", {}), f):
                            hit = i
                            break
                if hit is None:
                    ok = False
                else:
                    used.add(hit)
            extra = [f for i, f in enumerate(found) if i not in used and f in relevant]
            if extra:
                ok = False
            npass += ok
            bycat.setdefault((fname, sub), [0, 0, 0])
            bycat[(fname, sub)][0] += 1
            bycat[(fname, sub)][1] += ok
            why = None if ok else deliberate(cat, sub, text, c["Results"], found)
            if why:
                bycat[(fname, sub)][2] += 1
                delib.setdefault(why, {}).setdefault(fname, 0)
                delib[why][fname] += 1
                if args.deliberate:
                    dcases.setdefault(why, []).append((fname, text, [(r["Text"], r.get("Resolution", {}).get("value")) for r in c["Results"]],
                                                       [(f["text"], f.get("kind"), f.get("value", [f.get("low"), f.get("high")]), f.get("approx")) for f in found]))
            if not ok and why is None:
                fails.setdefault(sub, []).append((fname, text, [(r["Text"], r.get("Resolution", {}).get("value")) for r in c["Results"]],
                                                 [(f["text"], f.get("kind"), f.get("value", [f.get("low"), f.get("high")]), f.get("approx")) for f in found]))
        total_pass[fname] = (len(cases), npass)
        print("%-48s %6d %6d %6.1f%%" % (fname, len(cases), npass, 100.0 * npass / max(1, len(cases))))
    print("by category (file, their TypeName): cases, pass, raw rate; deliberate differences set aside, rate without them")
    for (fname, sub), (nc, npass, nd) in sorted(bycat.items()):
        rest = "%6.1f%%" % (100.0 * npass / (nc - nd)) if nc > nd else "    n/a"
        print("  %-46s %-18s %5d %5d %6.1f%%  %4d %s" % (fname, sub, nc, npass, 100.0 * npass / max(1, nc), nd, rest))
    print("deliberate differences (failing cases set aside, by reason and file):")
    for why in sorted(delib):
        print("  %-20s %4d  %s" % (why, sum(delib[why].values()), DELIBERATE[why]))
        for fname in sorted(delib[why]):
            print("      %-46s %4d" % (fname, delib[why][fname]))
    for why in sorted(dcases):
        print("-- deliberate: %s (%d)" % (why, len(dcases[why])))
        for fname, text, want, got in dcases[why]:
            print("   [%s] %r\n      want %s\n      got  %s" % (os.path.basename(fname), text, want, got))
    if args.failures:
        for sub in sorted(fails):
            print("-- failures: %s (%d)" % (sub, len(fails[sub])))
            for fname, text, want, got in fails[sub]:
                print("   [%s] %r\n      want %s\n      got  %s" % (os.path.basename(fname), text, want, got))
    return total_pass


# ---------------------------------------------------------------- Duckling

DUCK_CUR = {"Dollar": "USD", "USD": "USD", "EUR": "EUR", "Pound": "GBP", "GBP": "GBP", "INR": "INR",
            "CAD": "CAD", "CHF": "CHF", "CNY": "CNY", "JPY": "JPY", "AUD": "AUD", "Cent": "USD"}
DUCK_UNIT = {"Gram": {"grams": 1, "kilograms": 1000, "kg": 1000, "mg": 0.001},
             "Pound": {"pounds (weight)": 1}, "Ounce": {"ounces": 1}}


def duck_expect(dim, exp):
    """(kind, value-or-(lo,hi), currency/unit, direction) from a Haskell value."""
    m = re.match(r"^(\w+Value|OrdinalData) \(?(-?[\d.e]+)\)?", exp)
    if m:
        return float(m.group(2)), None, None
    m = re.match(r"^(simple|under|above|between) (\w+) (\([^)]*\)|\S+)", exp)
    if m:
        how, unit, val = m.groups()
        if how == "between":
            lo, hi = val.strip("()").split(",")
            return (float(lo), float(hi)), unit, how
        return float(val), unit, how
    return None, None, None


def score_duckling(args, data):
    path = os.path.join(data, "duckling-en-corpus", "duckling_en_examples.tsv")
    rows = []
    with open(path, encoding="utf-8") as fp:
        next(fp)
        for line in fp:
            dim, kind, exp, text = line.rstrip("\n").split("\t", 3)
            if kind == "positive" and dim in ("Numeral", "Ordinal", "AmountOfMoney", "Quantity"):
                rows.append((dim, exp, text))
    outs = run_stage(args, [r[2] for r in rows])
    res = {}
    fails = {}
    for (dim, exp, text), found in zip(rows, outs):
        t = text.strip()
        s0 = len(text) - len(text.lstrip())
        tend = s0 + len(t)
        m = re.search(r"\s+of\s+\S.*$", t)
        if dim == "Quantity" and "(Just " in exp and m:
            tend = s0 + m.start()  # Duckling's product ("of meat") is a field of its own
        whole = [f for f in found if f["start"] == s0 and f["end"] == tend]
        want, unit, how = duck_expect(dim, exp)
        ok = False
        if len(found) == 1 and whole:
            f = whole[0]
            k = f.get("kind")
            if dim == "Numeral":
                ok = k in ("cardinal", "fraction") and close(want, f.get("value"))
            elif dim == "Ordinal":
                ok = k == "ordinal" and close(want, f.get("value"))
            else:
                scale = 1.0
                if dim == "Quantity":
                    scale = DUCK_UNIT.get(unit, {}).get(f.get("unit"), 1.0)
                if dim == "AmountOfMoney":
                    cur = DUCK_CUR.get(unit, unit)
                    if unit == "Cent":
                        scale = 100.0
                    kind_ok = (k == "money" or (k == "range" and f.get("currency"))) and f.get("currency") == cur
                else:
                    kind_ok = k in ("quantity", "range")
                if how == "between":
                    ok = kind_ok and k == "range" and close(want[0], f["low"] * scale) and close(want[1], f["high"] * scale)
                elif kind_ok and k != "range" and f.get("value") is not None:
                    d = HEDGE_DIR.get(f.get("approx"), "")
                    dir_ok = {"simple": d == "", "under": d in ")]", "above": d in "(["}[how]
                    ok = dir_ok and close(want, f["value"] * scale)
        res.setdefault(dim, [0, 0])
        res[dim][0] += 1
        res[dim][1] += ok
        if not ok:
            fails.setdefault(dim, []).append((text, exp, [(f["text"], f.get("kind"), f.get("value"), f.get("unit")) for f in found]))
    print("== Duckling (English corpus examples, positive): whole text, value")
    for dim in ("Numeral", "Ordinal", "AmountOfMoney", "Quantity"):
        n, p = res.get(dim, [0, 0])
        print("  %-14s %5d %5d %6.1f%%" % (dim, n, p, 100.0 * p / max(1, n)))
    if args.failures:
        for dim in sorted(fails):
            print("-- failures: %s (%d)" % (dim, len(fails[dim])))
            for text, exp, got in fails[dim]:
                print("   %r want %s got %s" % (text, exp, got))
    return res


# ---------------------------------------------------------------- re3d

def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8-sig") as fp:
        for line in fp:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def score_re3d(args, data):
    base = os.path.join(data, "re3d")
    docs = {}
    gold = {"Quantity": set(), "Money": set()}
    for d in sorted(glob.glob(os.path.join(base, "*", "documents.json"))):
        for r in read_jsonl(d):
            docs[r["_id"]] = r["text"]
    for e in sorted(glob.glob(os.path.join(base, "*", "entities.json"))):
        for r in read_jsonl(e):
            if r["type"] in gold:
                gold[r["type"]].add((r["documentId"], r["begin"], r["end"]))
    ids = sorted(docs)
    outs = run_stage(args, [docs[i] for i in ids])
    pred = {"Quantity": set(), "Money": set()}
    for i, found in zip(ids, outs):
        text = docs[i]
        for f in found:
            k = f.get("kind")
            if k in ("date", "year", "ordinal"):
                continue
            s, e = number_part(text, f)
            typ = "Money" if k == "money" or (k == "range" and f.get("currency")) else "Quantity"
            pred[typ].add((i, s, e))
    print("== re3d: spans (their spans leave hedges out; ours are cut the same way)")
    print("  %-9s %5s %5s  %-22s %-22s" % ("type", "gold", "pred", "exact P / R", "overlap P / R"))
    for typ in ("Quantity", "Money"):
        g, p = gold[typ], pred[typ]
        exact = len(g & p)
        def ov(a, b):
            return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]
        gp = sum(1 for x in p if any(ov(x, y) for y in g))
        gr = sum(1 for y in g if any(ov(x, y) for x in p))
        print("  %-9s %5d %5d  %5.1f%% / %5.1f%%      %5.1f%% / %5.1f%%" % (
            typ, len(g), len(p), 100.0 * exact / max(1, len(p)), 100.0 * exact / max(1, len(g)),
            100.0 * gp / max(1, len(p)), 100.0 * gr / max(1, len(g))))
        if args.failures:
            for y in sorted(g - p)[:60]:
                t = docs[y[0]]
                print("     missed %r  ...%r..." % (t[y[1]:y[2]], t[max(0, y[1] - 30):y[2] + 30]))
            for x in sorted(p - g)[:60]:
                t = docs[x[0]]
                print("     extra  %r  ...%r..." % (t[x[1]:x[2]], t[max(0, x[1] - 30):x[2] + 30]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", nargs="?", default=default_data(),
                    help="the data folder (default: ../shared/data relative to the repository root)")
    ap.add_argument("--driver", help="path of the built numbers-driver")
    ap.add_argument("--textpipe", help="path of the built textpipe program (uses `run PIPELINE -`)")
    ap.add_argument("--only", choices=["recognizers", "duckling", "re3d"], help="one data set only")
    ap.add_argument("--failures", action="store_true", help="list the failures")
    ap.add_argument("--deliberate", action="store_true", help="list the cases set aside as deliberate differences")
    args = ap.parse_args()
    if not args.driver and not args.textpipe:
        ap.error("give --driver or --textpipe")
    if args.only in (None, "recognizers"):
        score_recognizers(args, args.data)
    if args.only in (None, "duckling"):
        score_duckling(args, args.data)
    if args.only in (None, "re3d"):
        score_re3d(args, args.data)


if __name__ == "__main__":
    main()
