#!/usr/bin/env python3
"""Microsoft Recognizers-Text English number specs to inputs and gold spans.

    recognizers.py DATADIR DOCS.jsonl GOLD.jsonl [--all]

DATADIR is recognizers-text-number-en (Number/ and NumberWithUnit/).  By
default the files of the default modes are read: NumberModel,
NumberRangeModel, OrdinalModel, PercentModel, CurrencyModel, DimensionModel,
TemperatureModel and AgeModel (the ExperimentalMode, PercentMode and
SuppressExtendedTypes files repeat inputs under other settings, with other
expectations; --all reads them too, each as its own cases).  Every case
becomes {"id": "FILE#N", "text": Input}, and its results gold spans
{"start", "end", "label": TypeName, "value", "text"} with End made exclusive.
Cases that list ports under NotSupported are kept: the expectation holds.
"""
import glob
import json
import os
import sys

DEFAULT = ["Number/NumberModel.json", "Number/NumberRangeModel.json", "Number/OrdinalModel.json",
           "Number/PercentModel.json", "NumberWithUnit/CurrencyModel.json",
           "NumberWithUnit/DimensionModel.json", "NumberWithUnit/TemperatureModel.json",
           "NumberWithUnit/AgeModel.json"]


def main():
    args = [a for a in sys.argv[1:] if a != "--all"]
    if len(args) != 3:
        sys.exit(__doc__.strip().split("\n\n")[1])
    data, docs_path, gold_path = args
    if "--all" in sys.argv:
        files = sorted(os.path.relpath(p, data) for p in glob.glob(os.path.join(data, "*", "*.json")))
    else:
        files = DEFAULT
    cases = bad = 0
    with open(docs_path, "w", encoding="utf-8") as docs, open(gold_path, "w", encoding="utf-8") as gold:
        for rel in files:
            path = os.path.join(data, rel)
            try:
                with open(path, encoding="utf-8-sig") as f:
                    spec = json.load(f)
            except OSError as e:
                sys.exit(f"recognizers.py: cannot read {path}: {e.strerror}")
            for n, case in enumerate(spec):
                text = case["Input"]
                spans = []
                for r in case.get("Results") or []:
                    s, e = r["Start"], r["End"] + 1
                    if text[s:e].lower() != r["Text"].lower():
                        # fall back on finding the text when the indexes disagree
                        k = text.lower().find(r["Text"].lower())
                        if k < 0:
                            bad += 1
                            continue
                        s, e = k, k + len(r["Text"])
                    res = r.get("Resolution") or {}
                    spans.append({"start": s, "end": e, "label": r["TypeName"].split(".")[0],
                                  "value": res.get("value"), "text": text[s:e]})
                cid = f"{rel}#{n}"
                docs.write(json.dumps({"id": cid, "text": text}, ensure_ascii=False) + "\n")
                gold.write(json.dumps({"id": cid, "numbers": spans}, ensure_ascii=False) + "\n")
                cases += 1
    print(f"recognizers.py: {cases} cases from {len(files)} files ({bad} results not found in their input)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
