"""Checks that docs/onnx-ops.md names every operator of ONNX's default
domain (up to opset 28, the newest qforge reads) and of
ai.onnx.preview.training, as the installed onnx package knows them, once: in the supported table or in "Not supported", with the
opset that introduced it for the latter. Prints one line per problem and
"N operators, all listed" when there is none.

Usage: check_op_coverage.py docs/onnx-ops.md
"""

import re
import sys

import onnx.defs

NEWEST_OPSET = 28  # kNewestOpset in lib/Import/GraphImporter.cpp


def main():
    text = open(sys.argv[1]).read()
    supported_part, _, missing_part = text.partition("## Not supported")
    row = re.compile(r"^\| ([A-Za-z0-9_.]+) \| ([0-9]+) \|", re.M)
    supported = [m.group(1) for m in row.finditer(supported_part)]
    missing = {m.group(1): int(m.group(2)) for m in row.finditer(missing_part)}
    known = {}
    for schema in onnx.defs.get_all_schemas_with_history():
        if schema.domain == "" and schema.since_version > NEWEST_OPSET:
            continue  # a newer ONNX release than qforge knows
        if schema.domain in ("", "ai.onnx.preview.training"):
            name = schema.name if not schema.domain else schema.domain + "." + schema.name
            known[name] = min(known.get(name, schema.since_version), schema.since_version)
    problems = []
    listed = supported + list(missing)
    for name in sorted(set(listed)):
        if listed.count(name) > 1:
            problems.append("%s is listed %d times" % (name, listed.count(name)))
    for name in sorted(known):
        if name not in listed:
            problems.append("%s (opset %d) is not listed" % (name, known[name]))
        elif name in missing and missing[name] != known[name]:
            problems.append("%s: since opset %d, not %d" % (name, known[name], missing[name]))
    for name in sorted(set(listed) - set(known)):
        problems.append("%s is not an ONNX operator" % name)
    for p in problems:
        print("PROBLEM: " + p)
    if not problems:
        print("%d operators, all listed" % len(known))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
