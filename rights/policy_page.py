"""The public change-log page (P11) with the privacy contact window (P3.5)."""

from __future__ import annotations

from html import escape

from directives.policy_versions import PolicyVersion, PrivacyContact, change_log


def _row(version: PolicyVersion) -> str:
    return (
        f"<tr><td>{escape(version.effective_on.isoformat())}</td>"
        f"<td>{escape(version.id)}</td><td>{escape(version.notes)}</td></tr>"
    )


def render(contact: PrivacyContact) -> str:
    """The change log (all but editorial changes, newest first) and where to ask."""
    rows = "\n".join(_row(v) for v in change_log())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Privacy policy: change log</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto}}
td,th{{border-bottom:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}}</style>
</head><body>
<h1>Privacy policy: change log</h1>
<p>Every change and its date, except purely editorial rewording (P11).</p>
<table><thead><tr><th>In force from (Japan time)</th><th>Version</th><th>Changes</th></tr>
</thead><tbody>
{rows}
</tbody></table>
<h2>Privacy contact window</h2>
<p>Questions and requests about personal information (P3.5):
<a href="mailto:{escape(contact.email, quote=True)}">{escape(contact.email)}</a>,
telephone {escape(contact.phone)}.</p>
</body></html>
"""
