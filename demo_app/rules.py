"""The "Connect" cards, one per secret-resolution rule, and the sentence that says why a rule applied.

The rules are SBS's (SPEC §3.2, seed: "Additional callback URLs and client secrets work as follows");
this module only predicts and explains them for the pages. Rules are numbered as the seed's bullets, as
SBS's own `reason` does: 1 = an additional secret's callback, 2 = the main callback, 3 = no callback.
No Flask, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from demo_app.settings import Service

CALLBACK_PATH = "/anaf/callback/"
RETURN_PATH = "/anaf/return"
UNREGISTERED = "unregistered"


@dataclass(frozen=True)
class Card:
    """One way to start a flow: what `oauthCallback` the demo sends, and which rule SBS should apply."""

    key: str
    title: str
    oauth_callback: str | None
    expect: str
    why: str
    via_sbs: bool = False
    blocked: str | None = None


def connect_cards(service: Service, app: Mapping[str, Any], demo_url: str) -> list[Card]:
    """The cards for ``service`` under the app's current settings, in the order a learner should try them."""
    implicit = bool(app.get(service.implicit_field))
    main = app.get(service.main_field) or {}
    main_callback = main.get("oauthCallback")
    cards: list[Card] = []
    if implicit:
        cards.append(Card(
            "implicit", "Implicit (SBS-managed secret)", None, "IMPLICIT",
            f"{service.implicit_field} is true, so the main secret is SBS's own and ANAF answers on SBS's callback; "
            "SBS finishes the flow and sends the browser back here.",
            via_sbs=True,
        ))
    else:
        missing = None if main_callback else f"Set {service.main_field} in the settings first."
        cards.append(Card(
            "omitted", "Main secret, callback omitted", None, "MAIN",
            "No oauthCallback is sent, so SBS uses the main secret (seed rule 3).", blocked=missing,
        ))
        cards.append(Card(
            "main", "Main secret, callback given", main_callback, "MAIN",
            "The oauthCallback sent equals the main secret's callback, so SBS uses the main secret (seed rule 2).",
            blocked=missing or _not_ours(main_callback, demo_url),
        ))
    for i, item in enumerate(app.get(service.additional_field) or []):
        callback = item.get("oauthCallback")
        cards.append(Card(
            f"additional-{i}", f"Additional secret #{i + 1}", callback, "ADDITIONAL",
            f"The oauthCallback sent equals the callback of {service.additional_field}[{i}], "
            "so SBS uses that additional secret (seed rule 1).",
            blocked=_not_ours(callback, demo_url),
        ))
    cards.append(Card(
        UNREGISTERED, "Unregistered callback", demo_url + CALLBACK_PATH + UNREGISTERED, "ERROR",
        "This callback is in none of the app's secrets, so none of the seed's rules applies and SBS must refuse.",
    ))
    return cards


def _not_ours(callback: str | None, demo_url: str) -> str | None:
    if callback and not callback.startswith(demo_url + CALLBACK_PATH):
        return "This callback is not served by this demo, so the browser would not come back here."
    return None


def callback_name(callback: str | None, demo_url: str) -> str | None:
    """The `<name>` of the demo's `/anaf/callback/<name>` route that ``callback`` is, if it is one."""
    prefix = demo_url + CALLBACK_PATH
    if callback and callback.startswith(prefix) and "/" not in callback[len(prefix):]:
        return callback[len(prefix):] or None
    return None


def explain(service: Service, secret_source: str | None, sent_callback: str | None, used_callback: str | None,
            client_id: str | None, status: str = "done") -> str:
    """The sentence shown on the result page: which secret SBS used, and which rule made it so; ``status`` is
    how the flow ended (`done`, `denied`, `failed`, `pending`), since only a finished flow had its code exchanged."""
    client = f"client id {client_id}" if client_id else "its client id"
    if secret_source == "IMPLICIT":
        how = ("no oauthCallback was sent, so SBS used main (seed rule 3)" if sent_callback is None
               else "the oauthCallback sent equals main's callback, so SBS used main (seed rule 2)")
        ending = {
            "done": f"ANAF sent the code to SBS's own callback ({used_callback}), SBS exchanged it with {client} "
                    "and sent the browser back to the demo.",
            "denied": f"ANAF answered on SBS's own callback ({used_callback}) without a code, so there was nothing "
                      f"to exchange with {client}; SBS sent the browser back to the demo.",
            "pending": f"ANAF is to answer on SBS's own callback ({used_callback}); SBS then exchanges the code "
                       f"with {client} and sends the browser back to the demo.",
        }.get(status, f"ANAF answered on SBS's own callback ({used_callback}), but SBS did not complete the flow "
                      f"with {client}: its answer is above.")
        return f"{service.implicit_field} is true, so the main secret is the SBS-managed one; {how}. {ending}"
    if secret_source == "ADDITIONAL":
        return (f"The oauthCallback sent ({sent_callback}) equals the callback of an entry in "
                f"{service.additional_field}, so SBS used that additional secret, {client} (seed rule 1).")
    if secret_source == "MAIN":
        if sent_callback is None:
            return (f"No oauthCallback was sent, so SBS used the main secret, {service.main_field}, "
                    f"with {client} and its callback {used_callback} (seed rule 3).")
        return (f"The oauthCallback sent ({sent_callback}) equals the callback of {service.main_field}, "
                f"so SBS used the main secret, {client} (seed rule 2).")
    return (f"The oauthCallback sent ({sent_callback}) is neither the main secret's callback nor any additional "
            "secret's: none of the seed's rules applies, so SBS refused to start the flow. Only registered callbacks may receive ANAF's "
            "codes for this app: otherwise anyone could collect them.")
