# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""Compare tzdump's answers with Python's zoneinfo.

tz_local_to_utc must give the earlier instant for an ambiguous local time
and the first instant after the gap for one that does not exist.  Prints
"N passed, N failed"; exits 1 on any difference.
"""
import datetime
import sys
import zoneinfo

UTC = datetime.timezone.utc
EPOCH = datetime.datetime(1970, 1, 1)


def local(zi, u):
    return datetime.datetime.fromtimestamp(u, UTC).astimezone(zi).replace(
        tzinfo=None)


def expected_utc(zi, naive):
    shown = []
    for fold in (0, 1):
        u = int(naive.replace(tzinfo=zi, fold=fold).timestamp())
        if local(zi, u) == naive:
            shown.append(u)
    if shown:
        return min(shown)
    # In a gap: the first instant whose local time is past it.
    lo = int(naive.replace(tzinfo=zi).timestamp()) - 2 * 86400
    hi = lo + 4 * 86400
    while lo < hi:
        mid = (lo + hi) // 2
        if local(zi, mid) > naive:
            hi = mid
        else:
            lo = mid + 1
    return lo


def main():
    passed = failed = 0
    for line in sys.stdin:
        kind, zone, a, b = line.split()
        zi = zoneinfo.ZoneInfo(zone)
        a, b = int(a), int(b)
        if kind == "off":
            want = int(datetime.datetime.fromtimestamp(a, UTC)
                       .astimezone(zi).utcoffset().total_seconds())
        else:
            want = expected_utc(zi, EPOCH + datetime.timedelta(seconds=a))
        if want == b:
            passed += 1
        else:
            failed += 1
            if failed <= 20:
                print("%s %s %d: vigil %d, zoneinfo %d"
                      % (kind, zone, a, b, want))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
