# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""Compare vigil's due dates with python3-workalendar's.

    wcompare.py DUES HOLIDAYS VIGIL-RATE

DUES holds the "START-DATE N DUE-DATE" lines of bench_calendar -o, HOLIDAYS
its "DATE NAME" lines of -H.  Runs the same starts through workalendar's
UnitedKingdom().add_working_days, prints its rate, the ratio to vigil's, and
every start where the two disagree, then the closed days behind them.  Run
with Debian's /usr/bin/python3 (python3-workalendar).
"""
import datetime
import sys
import time

from workalendar.europe import UnitedKingdom


def main():
    dues, holidays, vigil_rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
    rows = []
    with open(dues) as f:
        for line in f:
            start, n, due = line.split()
            rows.append((datetime.date.fromisoformat(start), int(n),
                         datetime.date.fromisoformat(due)))
    ours = {}
    with open(holidays) as f:
        for line in f:
            day, name = line.rstrip("\n").split(" ", 1)
            ours[datetime.date.fromisoformat(day)] = name

    cal = UnitedKingdom()
    t0 = time.perf_counter()
    theirs = [cal.add_working_days(s, n) for s, n, _ in rows]
    elapsed = time.perf_counter() - t0
    rate = len(rows) / elapsed
    print("workalendar: %d due dates in %.3f s: %.0f per second"
          % (len(rows), elapsed, rate))
    print("ratio: vigil %.0f / workalendar %.0f = %.0f times as fast"
          % (vigil_rate, rate, vigil_rate / rate))

    bad = sorted((s, n, d, t) for (s, n, d), t in zip(rows, theirs)
                 if d != t)
    print("disagreements: %d of %d starts" % (len(bad), len(rows)))
    for s, n, d, t in bad:
        print("  %s %s + %d working day%s: vigil %s, workalendar %s"
              % (s, s.strftime("%a"), n, "" if n == 1 else "s", d, t))

    # Weekdays closed on one side only, within the range of any disagreement.
    days = set()
    for s, n, d, t in bad:
        day = s
        while day <= max(d, t):
            days.add(day)
            day += datetime.timedelta(days=1)
    why = []
    for day in sorted(days):
        if day.weekday() >= 5:
            continue
        closed_v = day in ours
        closed_w = not cal.is_working_day(day)
        if closed_v != closed_w:
            why.append("  %s %s: closed for %s only%s"
                       % (day, day.strftime("%a"),
                          "vigil" if closed_v else "workalendar",
                          " (%s)" % ours[day] if closed_v else ""))
    print("days closed for one side only: %d" % len(why))
    for line in why:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
