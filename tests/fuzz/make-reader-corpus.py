#!/usr/bin/python3
"""Writes the seed corpora of the fuzz-readers.c targets:

  corpus-csv-mapping/  CSV files for the explicit-mapping reader
  corpus-npy-arrays/   .npy files read as contextual features, labels, y and X
  corpus-stream/       PLAsTiCC light curves and metadata for the stream

Each file runs through its target as a test (test-fuzz-readers), and seeds
the libFuzzer run.  found-* files are inputs the fuzzer found failing (fixed
since); they are kept by hand.  Re-run after editing:
python3 tests/fuzz/make-reader-corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    folder = os.path.join(HERE, "corpus-" + target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def npy(shape, descr="<f8", values=(), fortran=False, major=1, raw=None):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", shape)
    prefix = 10 if major == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    size = struct.pack("<H" if major == 1 else "<I", len(header))
    if raw is not None:
        body = raw
    else:
        code = {"f8": "d", "f4": "f", "f2": "e", "i8": "q", "i4": "i", "u1": "B", "b1": "?"}[descr[1:]]
        body = b"".join(struct.pack(descr[0].replace("|", "<") + code, v) for v in values)
    return b"\x93NUMPY" + bytes([major, 0]) + size + header.encode("latin-1") + body


def unicode_labels(labels, width):
    return b"".join(label.ljust(width, "\0").encode("utf-32-le") for label in labels)


def main():
    # ---- explicit mapping CSV: id,t,band,mag,err,det,label (and flux for the bare mapping) ----
    h = "id,t,band,mag,err,det,label,flux"
    write("csv-mapping", "ok-full.csv", h + "\na,1.5,g,18.2,0.05,1,RRab,3\na,0.5,r,18.4,,0,RRab,4\nb,2,g,17,0.1,1,RRc,5\n")
    write("csv-mapping", "ok-quoted.csv", h + '\n"a,1",1,"g",18,0.1,1,"x y",1\n')
    write("csv-mapping", "ok-missing.csv", h + "\na,1,g,,0.1,1,A,nan\na,2,g,nan,0.1,1,A,\n")
    write("csv-mapping", "ok-crlf-bom.csv", ("\ufeff" + h + "\na,1,g,18,0.1,1,A,1\n").replace("\n", "\r\n"))
    write("csv-mapping", "ok-guess.csv", "object_id,mjd,filter,magnitude,magerr\nx,1,V,12,0.01\nx,2,V,12.1,0.01\n")
    write("csv-mapping", "ok-folder-object.csv", "t,mag,band,err,det,label\n1,18,g,0.1,1,A\n")
    write("csv-mapping", "bad-out-of-range.csv", h + "\na,1,g,1e39,0.1,1,A,1\n")
    write("csv-mapping", "bad-time.csv", h + "\na,1e999,g,18,0.1,1,A,1\n")
    write("csv-mapping", "bad-detected.csv", h + "\na,1,g,18,0.1,maybe,A,1\n")
    write("csv-mapping", "bad-two-labels.csv", h + "\na,1,g,18,0.1,1,A,1\na,2,g,18,0.1,1,B,1\n")
    write("csv-mapping", "bad-columns.csv", "t,flux\n1,2\n")
    write("csv-mapping", "bad-fields.csv", h + "\na,1,g\n")

    # ---- .npy arrays beside good ones (2 objects) ----
    write("npy-arrays", "ok-context.npy", npy("(2, 1)", values=[1.0, 2.0]))
    write("npy-arrays", "ok-context-1d.npy", npy("(2,)", descr="<f4", values=[1.0, 2.0]))
    write("npy-arrays", "ok-labels-int.npy", npy("(2,)", descr="<i8", values=[3, 1]))
    write("npy-arrays", "ok-labels-onehot.npy", npy("(2, 3)", values=[0, 1, 0, 1, 0, 0]))
    write("npy-arrays", "ok-labels-fortran.npy", npy("(2, 2)", values=[1, 0, 0, 1], fortran=True))
    write("npy-arrays", "ok-labels-bool.npy", npy("(2, 2)", descr="|b1", values=[True, False, False, True]))
    write("npy-arrays", "ok-labels-u1.npy", npy("(2,)", descr="|u1", values=[0, 7]))
    write("npy-arrays", "ok-labels-strings.npy", npy("(2,)", descr="<U4", raw=unicode_labels(["RRab", "RRc"], 4)))
    write("npy-arrays", "ok-labels-strings-be.npy",
          npy("(2,)", descr=">U2", raw="abcd".encode("utf-32-be")))
    write("npy-arrays", "ok-x-f2.npy", npy("(2, 3, 2)", descr="<f2", values=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))
    write("npy-arrays", "ok-x-fortran.npy",
          npy("(2, 3, 2)", values=[float(v) for v in range(12)], fortran=True, major=2))
    write("npy-arrays", "ok-x-2d.npy", npy("(2, 3)", values=[1, 2, float("nan"), 4, 5, 6]))
    write("npy-arrays", "bad-labels-onehot-zero.npy", npy("(2, 2)", values=[0, 0, 1, 0]))
    write("npy-arrays", "bad-labels-fraction.npy", npy("(2,)", values=[0.5, 1]))
    write("npy-arrays", "bad-object.npy", npy("(2,)", descr="|O8", raw=b"\x80\x03N." + b"\0" * 12))
    write("npy-arrays", "bad-context-rows.npy", npy("(3, 1)", values=[1, 2, 3]))
    write("npy-arrays", "bad-context-range.npy", npy("(2, 1)", values=[1e39, 1]))
    write("npy-arrays", "bad-strings-utf32.npy", npy("(2,)", descr="<U1", raw=struct.pack("<II", 0x110000, 0xD800)))
    write("npy-arrays", "bad-truncated.npy", npy("(2, 3)", values=[1, 2, 3])[:-3])

    # ---- PLAsTiCC stream ----
    head = "object_id,mjd,passband,flux,flux_err,detected"
    rows = ["615,59750.4229,2,-544.810303,3.622952,1", "615,59750.4306,1,-816.434326,5.553370,1",
            "713,59825.2600,3,4.168596,1.911387,0", "730,59826.1,0,1.5,0.5,1"]
    write("stream", "ok-curves.csv", "\n".join([head] + rows) + "\n")
    write("stream", "ok-curves-no-newline.csv", "\n".join([head] + rows))
    write("stream", "ok-curves-one-object.csv", head + "\n" + "".join("9,%d,%d,1,1,1\n" % (t, t % 6) for t in range(9)))
    write("stream", "ok-metadata.csv", "object_id,ra,decl,hostgal_photoz,hostgal_photoz_err,distmod,mwebv,target\n"
          "615,349.04,-61.94,0,0,nan,0.017,92\n713,53.08,-27.78,1.6,0.02,45.4,0.007,88\n730,1,2,3,4,5,6,42\n")
    write("stream", "ok-metadata-no-target.csv", "object_id,ra,decl\n615,1,2\n713,3,4\n730,5,6\n")
    write("stream", "bad-curves-not-contiguous.csv", "\n".join([head, rows[0], rows[2], rows[1]]) + "\n")
    write("stream", "bad-curves-range.csv", head + "\n615,1,0,1e39,1,1\n")
    write("stream", "bad-curves-band.csv", head + "\n615,1,6,1,1,1\n")
    write("stream", "bad-metadata-range.csv", "object_id,ra,target\n615,1e39,90\n")
    write("stream", "bad-metadata-target.csv", "object_id,ra,target\n615,1,x\n")
    write("stream", "bad-metadata-duplicate.csv", "object_id,ra,target\n615,1,90\n615,2,90\n")


if __name__ == "__main__":
    main()
