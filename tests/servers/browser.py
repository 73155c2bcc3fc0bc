#!/usr/bin/python3
# Copyright (c) 2026 The vigil authors.  SPDX-License-Identifier: ISC
"""
browser.py: a manager in a real browser (Debian's chromium, headless, driven
by python3-selenium through chromium-driver), for tests/e2e/browser.test.

    browser.py SITE ACK_LINK SHOTS

SITE is the nginx in front of vigild ("http://user:password@host:port"),
which signs the manager in as its single sign-on would; ACK_LINK an
acknowledgement link from one of their emails; SHOTS a folder for the
screenshots.  It opens the team page, a case, acknowledges from the case's
page with the keyboard, then opens the link and acknowledges from there,
then opens the board report from the menu and asks for it by team,
checking what each page says.  Exits non-zero, saying why, at the first
thing that is not as it should be.
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait


DRIVER = None


def fail(why):
    print("FAIL: " + why, file=sys.stderr)
    if DRIVER is not None:
        print("--- the page (%s) ---\n%s" % (DRIVER.current_url,
              DRIVER.page_source), file=sys.stderr)
    sys.exit(1)


def expect(cond, why):
    if not cond:
        fail(why)


def gone(element):
    """Whether the page holding element has been left.  Chromium says so
    as a stale element, or as a node no longer in the document."""
    try:
        element.is_enabled()
        return False
    except WebDriverException:  # StaleElementReferenceException is one
        return True


def go(d, element, how):
    """Follow a link or press a button, and wait for where it leads."""
    if how == "key":
        element.send_keys(Keys.ENTER)
    else:
        element.click()
    WebDriverWait(d, 10).until(lambda drv: gone(element))
    WebDriverWait(d, 10).until(
        lambda drv: drv.execute_script("return document.readyState")
        == "complete")


def main():
    site, ack_link, shots = sys.argv[1:4]
    os.makedirs(shots, exist_ok=True)
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
              "--window-size=1100,900", "--disable-gpu"):
        opts.add_argument(a)
    service = Service(executable_path="/usr/bin/chromedriver")
    global DRIVER
    d = DRIVER = webdriver.Chrome(options=opts, service=service)
    try:
        # The team page: the overdue case, then the one due this week.
        d.get(site + "/web/")
        h1 = d.find_element(By.TAG_NAME, "h1").text
        expect(h1 == "Cases for Sam Patel", "team page title: " + h1)
        captions = [c.text for c in d.find_elements(By.TAG_NAME, "caption")]
        expect(captions == ["Overdue", "Due in the next 7 days"],
               "captions: %r" % captions)
        expect("Other open cases: none." in d.page_source,
               "no word on the other open cases")
        overdue = d.find_elements(By.CSS_SELECTOR, "table")[0].text
        expect("B/1" in overdue and "Jo Bloggs" in overdue and
               "initial contact" in overdue, "overdue table: " + overdue)
        expect("B/3" not in d.page_source, "another team's case shown")
        d.save_screenshot(os.path.join(shots, "team.png"))

        # A case: its deadline missed, acknowledged with the keyboard.
        go(d, d.find_element(By.LINK_TEXT, "B/1"), "click")
        expect(d.find_element(By.TAG_NAME, "h1").text == "Case B/1",
               "case page: " + d.find_element(By.TAG_NAME, "h1").text)
        button = d.find_element(By.CSS_SELECTOR, "form button")
        expect(button.text.startswith("Acknowledge"), "no button")
        d.save_screenshot(os.path.join(shots, "case.png"))
        go(d, button, "key")
        rows = d.find_elements(By.CSS_SELECTOR, "table tbody tr")
        expect(rows, "no deadlines after acknowledging")
        cells = rows[0].text
        expect("Sam Patel" in cells, "not acknowledged: " + cells)
        expect(d.current_url.endswith("/web/case/B%2F1"),
               "not back on the case: " + d.current_url)
        expect(not d.find_elements(By.CSS_SELECTOR, "form button"),
               "still a button after acknowledging")
        d.save_screenshot(os.path.join(shots, "case-acknowledged.png"))

        # The link from the email: a page, then acknowledged from it.
        d.get(ack_link)
        h1 = d.find_element(By.TAG_NAME, "h1").text
        expect(h1 == "Acknowledge: case B/2", "link page: " + h1)
        d.save_screenshot(os.path.join(shots, "ack-link.png"))
        go(d, d.find_element(By.CSS_SELECTOR, "form button"), "click")
        h1 = d.find_element(By.TAG_NAME, "h1").text
        expect(h1 == "Acknowledged: case B/2", "after the button: " + h1)
        text = d.find_element(By.CSS_SELECTOR, "p.notice").text
        expect(text.startswith("Recorded as acknowledged by Sam Patel"),
               "done page: " + text)
        d.save_screenshot(os.path.join(shots, "ack-done.png"))
        # Again: used.
        d.get(ack_link)
        h1 = d.find_element(By.TAG_NAME, "h1").text
        expect(h1 == "Already acknowledged: case B/2", "reused: " + h1)

        # The report, from the menu: this month's cases, drawn and listed.
        d.get(site + "/web/")
        go(d, d.find_element(By.LINK_TEXT, "Report"), "click")
        h1 = d.find_element(By.TAG_NAME, "h1").text
        expect(h1.startswith("Report: "), "report: " + h1)
        charts = d.find_elements(By.CSS_SELECTOR, "svg[role=img] title")
        expect(len(charts) == 2, "%d charts" % len(charts))
        table = d.find_element(By.CSS_SELECTOR, "section table").text
        expect("Whole period" in table, "report table: " + table)
        d.find_element(By.ID, "by").send_keys("team")
        go(d, d.find_element(By.CSS_SELECTOR, "form button"), "click")
        groups = [h.text for h in d.find_elements(By.TAG_NAME, "h2")]
        expect(groups == ["north"], "Sam Patel's report groups: %r" % groups)
        d.save_screenshot(os.path.join(shots, "report.png"))
    finally:
        d.quit()
    print("browser: team, case, acknowledged twice, report; screenshots in "
          + shots)


if __name__ == "__main__":
    main()
