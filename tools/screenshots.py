"""Save the README screenshots (Kharkiv, Indo-Pacific, the launch region) into docs/.

Run: `.venv/bin/python tools/screenshots.py` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tools.browser import (
    ROOT,
    close_app,
    launch_chromium,
    open_app,
    settled_view,
    streamlit_server,
    wait_for_quiet,
)

VIEWS = {  # file: (link, sidebar checkboxes to click first)
    "screenshot-kharkiv.png": ("/?view=Kharkiv", ()),
    "screenshot-indo-pacific.png": ("/?view=Indo-Pacific", ()),
    "screenshot-launch-region.png": (
        "/?view=Ukraine+theatre",
        ("Feasible launch region", "Range rings and band"),
    ),
}


def main() -> None:
    """Open each view and save a screenshot of the page's main area."""
    with streamlit_server() as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, (query, clicks) in VIEWS.items():
            page = open_app(browser, server.url + query, width=1500, height=1150)
            for label in clicks:
                page.get_by_text(label).first.click()
                wait_for_quiet(page)
            if clicks:
                page.locator("section.main, [data-testid=stMain]").first.evaluate(
                    "(main) => main.scrollTo(0, 0)"
                )
                settled_view(page)
            page.screenshot(path=str(ROOT / "docs" / name), full_page=False)
            close_app(page)
            print(ROOT / "docs" / name)
        browser.close()


if __name__ == "__main__":
    main()
