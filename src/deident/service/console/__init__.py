"""The reviewer console: review, decide and approve in a browser, in Chinese.

Server-rendered pages with inline style and script (no external assets, works offline), a JSON
twin of every page (append ``.json``), and actions as plain form POSTs. Decisions and
approvals go into the same ledger as `deident decide` / `deident approve`.

    state.py     the files under review: scans, masked copies, ledger state, decide, approve
    views.py     the data of each page (what the JSON twin returns)
    html.py      the pages rendered from that data; assets.py their CSS and script
    pictures.py  PDF pages (PDFium) and images as the reader sees them
    web.py       routes, sessions (token or local launch link), POST handling
    local.py     the one-reviewer server of `deident review PATH --serve`
"""

from deident.service.console.state import ConsoleState
from deident.service.console.web import Console

__all__ = ["Console", "ConsoleState"]
