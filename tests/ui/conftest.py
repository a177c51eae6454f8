"""The page tests: their fixtures live in tests/browser.py, one chromium for the whole run."""
