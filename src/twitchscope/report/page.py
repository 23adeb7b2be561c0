"""A self-contained HTML page shell shared by every twitchscope report.

No external resources: styles are inline and figures are embedded (SVG or data URIs), so a report
opens the same offline, attached to an e-mail, or printed.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from twitchscope._version import __version__
from twitchscope.disclaimer import DISCLAIMER

_CSS = """
:root { --ink:#1d2433; --muted:#5b6577; --line:#e3e7ee; --bg:#f6f8fb; --card:#fff;
        --accent:#2f6fde; --ok:#1f9d55; --warn:#c98a00; --bad:#c62f3b; --emerg:#8e0f1b; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
       color:var(--ink); background:var(--bg); }
header { background:var(--ink); color:#fff; padding:24px 32px; }
header h1 { margin:0; font-size:24px; font-weight:650; }
header p { margin:4px 0 0; color:#c9d2e3; }
main { max-width:1100px; margin:0 auto; padding:24px 32px 48px; }
section { background:var(--card); border:1px solid var(--line); border-radius:10px;
          padding:18px 22px; margin:0 0 18px; }
section h2 { margin:0 0 12px; font-size:18px; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line);
         vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:13px; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(180px,1fr)); gap:12px; }
.card { border:1px solid var(--line); border-radius:10px; padding:12px 14px; background:#fbfcfe; }
.card .value { font-size:28px; font-weight:700; }
.card .label { color:var(--muted); font-size:13px; }
.badge { display:inline-block; padding:2px 10px; border-radius:999px; font-size:12px;
         font-weight:700; color:#fff; background:var(--muted); text-transform:uppercase; }
.badge.emergency { background:var(--emerg); } .badge.urgent { background:var(--bad); }
.badge.see_doctor { background:var(--warn); } .badge.self_care { background:var(--ok); }
.above { color:var(--bad); } .below { color:var(--ok); }
.warnings li { color:#7a4b00; }
.muted { color:var(--muted); }
figure { margin:0; } figure svg, figure img { max-width:100%; height:auto; }
footer.disclaimer { max-width:1100px; margin:0 auto 32px; padding:0 32px; color:var(--muted);
                    font-size:13px; }
@media print { body { background:#fff; } section { break-inside: avoid; } }
"""


def escape(text: object) -> str:
    """HTML-escape any value for safe inclusion in a report."""
    return html.escape(str(text), quote=True)


def render_page(title: str, body_html: str, subtitle: str = "") -> str:
    """Wrap report sections in a complete, self-contained HTML document.

    Parameters
    ----------
    title : str
        Page and header title (plain text; escaped here).
    body_html : str
        The sections, already HTML (each value in it must have been escaped by the caller).
    subtitle : str
        A line under the title (plain text; escaped here).
    """
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        + (f"<p>{escape(subtitle)}</p>" if subtitle else "")
        + f"</header><main>{body_html}</main>"
        + '<footer class="disclaimer"><p><strong>Not a diagnosis.</strong> '
        f"{escape(DISCLAIMER)}</p>"
        f"<p>twitchscope {escape(__version__)} · made {made}</p></footer></body></html>\n"
    )
