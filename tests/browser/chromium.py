"""Headless Chromium for the browser tests: Debian's chromium and chromedriver, with the flags
this machine needs (no background networking: its connections would be refused)."""

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def start_chromium(profile, *flags, prefs=None, console=False):
    """A driver on a new profile directory; `console` keeps the page's console for get_log."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                 *flags]:
        options.add_argument(flag)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
