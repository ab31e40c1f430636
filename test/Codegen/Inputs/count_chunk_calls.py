"""Prints how many calls hand each chunk function to the thread pool in an
LLVM-dialect module (qforge compile --emit=mlir), sorted: each call takes
the chunk's address with its own llvm.mlir.addressof.
Usage: count_chunk_calls.py MODULE.mlir
"""

import collections
import re
import sys

text = open(sys.argv[1]).read()
defined = set(re.findall(r"llvm\.func internal @(\w+_chunk\w*)\(", text))
calls = collections.Counter(
    name for name in re.findall(r"llvm\.mlir\.addressof @(\w+)", text) if name in defined)
print("chunks handed to the thread pool, by calls:", sorted(calls.values()))
