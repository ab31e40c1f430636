#!/usr/bin/env python3
"""Writes the .npy files the npy fuzz target found the two readers disagreeing
on (the compiler accepted each, the executables' reader did not, or read it
otherwise), each reduced to its point, into OUTDIR (npy-readers.test).

usage: make_npy_regressions.py OUTDIR"""
import os
import sys

out = sys.argv[1]


def write(name, header, data=b""):
    """A version 1.0 file with `header` as its dict text, padded NumPy's way."""
    header = header.encode("latin-1")
    pad = (64 - (10 + len(header) + 1) % 64) % 64
    header += b" " * pad + b"\n"
    with open(os.path.join(out, name + ".npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + data)


# A quoted descr without its closing quote (the compiler read '|b1 as |b1).
write("unterminated_descr", "{'descr': '|b1 , 'fortran_order': False, 'shape': (2,), }", b"\x01\x00")
# A fortran_order that is neither True nor False (the compiler took it as False).
write("fortran_truee", "{'descr': '|u1', 'fortran_order': Truee, 'shape': (2,), }", b"\x01\x02")
# A NUL inside the header: the executables' C reader stops at it, so it must
# be an error for both.
write("nul_in_header", "{'descr': '<f4', 'fortran_order': False, 'shape': (), }\x00",
      b"\x00\x00\x80\x3f")
# "(, )" is no Python tuple (the compiler read it as a scalar's shape).
write("comma_only_shape", "{'descr': '<i2', 'fortran_order': False, 'shape': (, ), }", b"\x01\x00")
# A dimension with a sign (the compiler read -0 as 0).
write("signed_dimension", "{'descr': '|u1', 'fortran_order': False, 'shape': (2, -0), }")
# The last value with nothing after it, no ',' or '}' (the compiler read to
# the end of the header).
write("unterminated_dict", "{'descr': '<f4', 'shape': (1,), 'fortran_order': False",
      b"\x00\x00\x80\x3f")
# A shape whose element count overflows int64 (2**61 * 12).
write("overflowing_shape", "{'descr': '<f4', 'fortran_order': False, 'shape': (2305843009213693952, 3, 4), }")
# Big-endian data: refused by name, not misread.
write("big_endian", "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", b"\x3f\x80\x00\x00")
