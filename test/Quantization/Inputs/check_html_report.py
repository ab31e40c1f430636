"""Checks qforge's HTML report in a real browser (headless Chromium): the
page is self-contained (no URL it would fetch), its table holds every layer
of the JSON report of the same compilation, its script sorts the table
(`#sort=sensitivity-desc` must order the rows as the search's sensitivity
list), and a screenshot is not blank (decoded here: at least 2% of the
pixels are not the background). With PROFILE.json (the executable's
--profile-json output given to --report-profile), each row's time is the
profile's for its node, the time chart has a bar per profiled layer, and
`#sort=time-desc` orders the rows slowest first.

    check_html_report.py CHROMIUM REPORT.html REPORT.json WORKDIR [PROFILE.json]
"""
import json
import os
import re
import struct
import subprocess
import sys
import zlib


def browser(chromium, *args):
    return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                           "--window-size=1200,1400", *args], check=True,
                          capture_output=True, text=True).stdout


def png_pixels(path):
    """The pixels of an 8-bit RGB or RGBA PNG as rows of bytes."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and color in (2, 6), "unexpected PNG format"
    bpp = 3 if color == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return rows, bpp


def row_cells(dom):
    """Per table row: its cells' data-value attributes."""
    rows = re.findall(r'<tr data-layer[^>]*>(.*?)</tr>', dom, re.S)
    return [re.findall(r'<td data-value="([^"]*)"', row) for row in rows]


def check_times(chromium, html, page, profile_json):
    profile = {l["name"]: l["ms_per_run"] for l in json.load(open(profile_json))["layers"]}
    heads = re.findall(r'<th[^>]*data-key="([a-z0-9_]+)"', page)
    column = heads.index("time")
    dom = browser(chromium, "--dump-dom", "file://" + os.path.abspath(html) + "#sort=time-desc")
    rows = row_cells(dom)
    wrong = [r[0] for r in rows
             if (float(r[column]) if r[column] else None) != profile.get(r[0])]
    print("%s   each row's time is its node's in the profile %s" % ("FAIL" if wrong else "ok", wrong))
    times = [float(r[column]) if r[column] else -1 for r in rows]
    print("%s   the browser sorted the rows by time, slowest first"
          % ("ok" if times == sorted(times, reverse=True) else "FAIL"))
    chart = page.split("<h2>Time per layer")[1].split("</svg>")[0]
    bars = len(re.findall(r"<rect ", chart))
    print("%s   the time chart has a bar per profiled layer (%d bars, %d layers)"
          % ("ok" if bars == len(profile) else "FAIL", bars, len(profile)))


def main():
    chromium, html, report_json, work = sys.argv[1:5]
    page = open(html).read()
    report = json.load(open(report_json))
    external = re.findall(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//', page) + re.findall(r"<link\b", page)
    print("%s   self-contained (%d external references)" % ("FAIL" if external else "ok", len(external)))

    url = "file://" + os.path.abspath(html) + "#sort=sensitivity-desc"
    dom = browser(chromium, "--dump-dom", url)
    rows = re.findall(r'<tr data-layer[^>]*><td data-value="([^"]*)"', dom)
    layers = [l["node"] for l in report["layers"]]
    print("%s   the table holds every layer (%d rows, %d layers)"
          % ("ok" if sorted(rows) == sorted(layers) else "FAIL", len(rows), len(layers)))
    if "precision_search" in report:
        ranked = [node for node, _ in report["precision_search"]["sensitivity"]]
        print("%s   the browser sorted the rows by sensitivity, most sensitive first"
              % ("ok" if rows[:len(ranked)] == ranked else "FAIL"))

    shot = os.path.join(work, "report.png")
    browser(chromium, "--screenshot=" + shot, url)
    pixels, bpp = png_pixels(shot)
    background = bytes(pixels[0][:3])
    inked = sum(1 for row in pixels for x in range(0, len(row), bpp)
                if bytes(row[x:x + 3]) != background)
    share = inked / (len(pixels) * len(pixels[0]) // bpp)
    print("%s   the screenshot is not blank (%.1f%% of pixels drawn)"
          % ("ok" if share > 0.02 else "FAIL", 100 * share))
    if len(sys.argv) > 5:
        check_times(chromium, html, page, sys.argv[5])


if __name__ == "__main__":
    main()
