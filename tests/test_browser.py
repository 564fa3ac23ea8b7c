"""Every shared HTML opens in a real headless Chromium: no console errors, every image loaded, readable at
390 px (no sideways scrolling) and 1280 px. Screenshots are saved under reports/<periode>/_screenshots/."""
from __future__ import annotations

from kemiskinan.domain import wilayah as wil
from kemiskinan.publish.index import slug


def _pages(built):
    return [built / "index.html"] + [built / f"{slug(w)}.html" for w in wil.briefing_wilayah()]


def test_every_html_renders_cleanly_at_phone_and_desktop_width(built, browser):
    shots = built / "_screenshots"
    shots.mkdir(exist_ok=True)
    problems = []
    for width, height in ((390, 844), (1280, 900)):
        ctx = browser.new_context(viewport={"width": width, "height": height})
        page = ctx.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path in _pages(built):
            errors.clear()
            page.goto(path.as_uri(), wait_until="load")
            broken = page.evaluate("""() => [...document.images]
                .filter(i => !i.complete || i.naturalWidth === 0).map(i => i.alt || i.src.slice(0, 40))""")
            n_images = page.evaluate("() => document.images.length")
            overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
            if errors:
                problems.append(f"{path.name}@{width}: console errors {errors}")
            if broken:
                problems.append(f"{path.name}@{width}: images not loaded {broken}")
            if path.name != "index.html" and n_images < 3:
                problems.append(f"{path.name}@{width}: only {n_images} images")
            if overflow > 2:
                problems.append(f"{path.name}@{width}: page scrolls sideways by {overflow}px")
            page.screenshot(path=str(shots / f"{path.stem}_{width}.png"), full_page=(width == 390))
        ctx.close()
    assert not problems, "\n".join(problems)
