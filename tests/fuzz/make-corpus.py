#!/usr/bin/python3
"""Writes tests/fuzz/corpus/: nasty inputs for the light-curve readers.

Files named ok-* must load into a valid dataset, bad-* must fail with a
clear LC_ERROR (test-fuzz-corpus checks both).  The corpus also seeds the
libFuzzer target.  Re-run after editing:  python3 tests/fuzz/make-corpus.py
found-* files are inputs the fuzzer found crashing (fixed since); they are
kept by hand and must simply not crash.
"""
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")
H = "object_id,mjd,passband,flux,flux_err,detected"
ROWS = ["615,59750.4229,2,-544.810303,3.622952,1",
        "615,59750.4306,1,-816.434326,5.553370,1",
        "713,59825.2600,3,4.168596,1.911387,0"]
rng = random.Random(20181)


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def npy(shape, descr="<f8", values=None, major=1, fortran=False, raw_header=None, cut=None):
    header = raw_header or "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", shape)
    prefix = 10 if major == 1 else 12
    pad = (64 - (prefix + len(header) + 1) % 64) % 64
    header = header + " " * pad + "\n"
    size = struct.pack("<H", len(header)) if major == 1 else struct.pack("<I", len(header))
    code = descr[1:].replace("f8", "d").replace("f4", "f").replace("f2", "e").replace("i8", "q")
    body = b"".join(struct.pack(descr[0] + code, v) for v in (values or []))
    data = b"\x93NUMPY" + bytes([major, 0]) + size + header.encode("latin-1") + body
    return data[:cut] if cut is not None else data


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = "\n".join([H] + ROWS) + "\n"

    # ---- PLAsTiCC / general CSV ----
    write("ok-plain.csv", lines)
    write("ok-bom.csv", "\ufeff" + lines)
    write("ok-crlf.csv", lines.replace("\n", "\r\n"))
    write("ok-no-final-newline.csv", lines.rstrip("\n"))
    write("ok-quoted.csv", H + "\n\"615\",\"59750.4229\",\"2\",\"-5.5\",\"1.0\",\"1\"\n")
    write("ok-interleaved.csv", "\n".join([H, ROWS[2], ROWS[0], ROWS[2].replace("59825", "59800"), ROWS[1]]) + "\n")
    write("ok-long-id.csv", H + "\n" + "7" * 10000 + ",1.0,0,1.0,1.0,1\n")
    write("ok-blank-lines.csv", H + "\n\n   \n" + ROWS[0] + "\n\n")
    write("bad-general-no-mapping.csv", "id,mjd,band,mag,magerr\na,1.5,g,18.2,0.05\na,0.5,r,18.4,\n")
    write("ok-denormals.csv", H + "\n1,1e-320,0,4.9e-324,1e-310,1\n")
    write("bad-empty.csv", "")
    write("bad-only-newlines.csv", "\n\r\n\n")
    write("bad-header-only.csv", H + "\n")
    write("bad-truncated.csv", lines[:len(lines) - 17])
    write("bad-junk.csv", bytes(rng.randrange(256) for _ in range(4096)))
    write("bad-binary-header.csv", bytes(rng.randrange(256) for _ in range(64)) + b"\n1,2,3\n")
    write("bad-huge-numbers.csv", H + "\n1,59750.1,0,1e400,1.0,1\n")
    write("bad-float-overflow.csv", H + "\n1,59750.1,0,1e300,1.0,1\n")
    write("bad-float-overflow-error.csv", H + "\n1,59750.1,0,1.0,-3e39,1\n")
    write("bad-huge-mjd.csv", H + "\n1,123456789012345678901234567890e300,0,1,1.0,1\n")
    write("bad-nan.csv", H + "\n1,nan,0,nan,nan,1\n")
    write("bad-inf.csv", H + "\n1,1.0,0,-inf,1,1\n")
    write("bad-long-field.csv", H + "\n1,59750.1,0," + "9" * 5000 + "." + "9" * 5000 + "x,1.0,1\n")
    write("bad-missing-columns.csv", "object_id,mjd,flux,flux_err,detected\n1,2,3,4,1\n")
    write("bad-wrong-count.csv", H + "\n" + ROWS[0] + "\n1,2,3\n")
    write("bad-too-many-fields.csv", H + "\n" + ROWS[0] + ",9,9\n")
    write("bad-unterminated-quote.csv", H + "\n\"615,59750.4229,2,-5.5,1.0,1\n")
    write("bad-nul-bytes.csv", (H + "\n615,5975\x000.4229,2,-5.5,1.0,1\n").encode())
    write("bad-passband.csv", H + "\n1,1.0,-1,1,1,1\n")
    write("bad-mapping.csv", "alpha,beta\n1,2\n")
    write("bad-300-bands.csv", "id,mjd,band,flux\n" + "".join("x,%d,b%d,1.0\n" % (i, i) for i in range(300)))
    write("bad-utf16.csv", lines.encode("utf-16"))

    # ---- .ts ----
    ts_head = ("#comment é ☄\n@problemName LSST\n@timeStamps false\n@missing false\n@univariate false\n"
               "@dimensions 6\n@equalLength true\n@seriesLength 3\n@classLabel true 6 15 90\n@data\n")
    case = ":".join("1.5,-2.25,3e1" for _ in range(6))
    write("ok-lsst.ts", ts_head + case + ":90\n" + case + ":6\n")
    write("ok-bom-crlf.ts", ("\ufeff" + ts_head + case + ":15\n").replace("\n", "\r\n"))
    write("ok-missing.ts", "@problemName t\n@missing true\n@univariate true\n@classLabel true a b\n@data\n"
          "1,?,3:a\n?,?:b\nNaN:a\n")
    write("ok-timestamps.ts", "@timeStamps true\n@univariate true\n@classLabel true a\n@data\n(1,2),(0,?):a\n")
    write("ok-unlabelled.ts", "@univariate true\n@classLabel false\n@data\n1,2,3\n4,5\n")
    write("bad-empty.ts", "")
    write("bad-junk.ts", bytes(rng.randrange(256) for _ in range(2048)))
    write("bad-truncated.ts", (ts_head + case + ":90\n" + case)[:-20])
    write("bad-no-data.ts", ts_head.replace("@data\n", ""))
    write("bad-huge-dimensions.ts", "@dimensions 99999999999999999999\n@classLabel true a\n@data\n1:a\n")
    write("bad-long-label.ts", ts_head + case + ":" + "x" * 10000 + "\n")
    write("bad-too-many-colons.ts", ts_head + case + ":1:90\n")
    write("bad-value.ts", ts_head + case.replace("3e1", "3e1e1", 1) + ":90\n")
    write("bad-huge-value.ts", ts_head + case.replace("3e1", "1e999", 1) + ":90\n")
    write("bad-float-overflow.ts", ts_head + case.replace("3e1", "1e300", 1) + ":90\n")
    write("bad-stamps.ts", "@timeStamps true\n@univariate true\n@classLabel true a\n@data\n(1,2,(3:a\n")
    write("bad-header-after-data.ts", "@classLabel true a\n@data\n@problemName x\n")
    write("ok-percent-comments.ts", "% This is a comment\n%\n@univariate true\n@classLabel true a\n@data\n1,2:a\n")
    write("ok-timestamps-dates.ts", "@timeStamps true\n@dimensions 2\n@classLabel true a b\n@data\n"
          "(2007-01-01 00:00:00,1.5),(2007-01-02,?):(2007-01-01T12:00:00Z,2):b\n")
    write("bad-cut-label.ts", "@univariate true\n@classLabel true 6 67\n@data\n1,2:67\n1,2:6")
    write("bad-cut-series.ts", "@univariate true\n@equalLength true\n@classLabel false\n@data\n1,2,3\n1,2")
    write("bad-missing-false.ts", "@missing false\n@univariate true\n@classLabel true a\n@data\n1,?:a\n")
    write("bad-out-of-range.ts", ts_head + case.replace("3e1", "1e39", 1) + ":90\n")

    # ---- .npy (GOTO arrays) ----
    good = [float(v) for step in range(4) for v in (step, 10.0 + step, 0.5)]
    write("ok-v1_time_features.npy", npy("(1, 4, 3)", values=good))
    write("ok-v2_time_features.npy", npy("(1, 4, 3)", values=good, major=2))
    write("ok-v3-f4_time_features.npy", npy("(1, 4, 3)", descr="<f4", values=good, major=3))
    write("ok-big-endian_time_features.npy", npy("(1, 4, 3)", descr=">f8", values=good))
    write("ok-masked_time_features.npy", npy("(2, 2, 3)", values=[0, 1, 1, -99, -99, -99, 0, 2, 1, 1, 3, 1]))
    write("bad-truncated_time_features.npy", npy("(1, 4, 3)", values=good, cut=100))
    write("bad-header-cut_time_features.npy", npy("(1, 4, 3)", values=good, cut=30))
    write("bad-magic_time_features.npy", b"\x93NUMPX" + npy("(1, 4, 3)", values=good)[6:])
    write("ok-fortran_time_features.npy", npy("(1, 4, 3)", values=good, fortran=True))
    write("ok-f2_time_features.npy", npy("(1, 4, 3)", descr="<f2", values=good))
    write("bad-object_time_features.npy", npy("(1, 4, 3)", descr="|O8", values=[]))
    write("bad-huge-shape_time_features.npy", npy("(4294967295, 4294967295, 3)", values=good))
    write("bad-negative-shape_time_features.npy", npy("(-1, 4, 3)", values=good))
    write("bad-zero_time_features.npy", npy("(0, 40, 3)"))
    write("bad-2d_time_features.npy", npy("(4, 3)", values=good))
    write("bad-string_time_features.npy", npy("(1, 4, 3)", descr="<U4", values=[]))
    write("bad-header-len_time_features.npy", b"\x93NUMPY\x01\x00\xff\xff{'descr': '<f8'")
    write("bad-dict_time_features.npy", npy(None, raw_header="{'descr': '<f8', 'fortran_order': False, 'shape': (1, 4, 3)"))
    write("bad-nan-time_time_features.npy", npy("(1, 1, 3)", values=[float("nan"), 1.0, 1.0]))
    write("bad-float-overflow_time_features.npy", npy("(1, 1, 3)", values=[0.0, 1e300, 1.0]))
    write("bad-junk_time_features.npy", bytes(rng.randrange(256) for _ in range(512)))


if __name__ == "__main__":
    main()
