"""The six e-Factura operations (SPEC-ANAF-API §6.3–§6.9): ANAF's checks in ANAF's order, then the work.

Each takes the caller the gateway admitted, the query parameters and the time, and returns an
``Answer`` (status, body, content type, journal notes); `routes.py` only turns HTTP into these calls.
No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from mock_anaf import anaf_numbers, anaf_time
from mock_anaf.efactura import answers, archive, lists, rules, texts
from mock_anaf.efactura.answers import XML, ZIP, Answer, json_answer
from mock_anaf.efactura.store import EfacturaStore, Message, Upload
from mock_anaf.gateway import Caller
from mock_anaf.processing import Quotas, RuntimeSettings, revealed_state
from mock_anaf.taxpayers import Taxpayers

STATES = {"ok": texts.STATE_OK, "nok": texts.STATE_NOK, "xml_errors": texts.STATE_XML_ERRORS}


def _given(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name)
    return value if value else None


@dataclass(frozen=True)
class UploadRequest:
    """An upload as the route read it: the query, and the body unless it was too big to read."""

    params: Mapping[str, str]
    body: bytes
    too_big: bool = False
    b2c: bool = False


class Efactura:
    """The operations of one mock ANAF's e-Factura API, over its store, registry, quotas and settings."""

    def __init__(self, store: EfacturaStore, taxpayers: Taxpayers, quotas: Quotas, settings: RuntimeSettings,
                 signer: archive.Signer, now: Callable[[], float]) -> None:
        self.store = store
        self.taxpayers = taxpayers
        self.quotas = quotas
        self.settings = settings
        self.signer = signer
        self.now = now

    def _bad_request(self, message: str) -> Answer:
        return json_answer(answers.bad_request(anaf_time.dashed(self.now()), message), 400, outcome="bad_request")

    def _quota(self, env: str, kind: str, key: str) -> tuple[bool, int]:
        limit = self.settings.current().quotas[kind]
        return self.quotas.take(env, kind, key, self.now(), limit), limit

    # -- upload / uploadb2c (§6.3) --

    def upload(self, env: str, caller: Caller, request: UploadRequest) -> Answer:
        """Check in ANAF's order; accept with a new index, or refuse with `ExecutionStatus="1"`."""
        params = request.params
        standard, cif = _given(params, "standard"), _given(params, "cif")
        if standard is None or cif is None:
            return self._bad_request(texts.UPLOAD_PARAMS_REQUIRED)
        if not request.too_big and not request.body:
            return self._bad_request(texts.UPLOAD_NO_FILE)
        notes = {"env": env, "cif": cif[:20]}
        problem = self._upload_problem(env, caller, params, standard, cif, request)
        root = None
        if problem is None:
            root, problem = rules.parse_upload(request.body, standard)
        stamp = anaf_time.minute_stamp(self.now())
        if problem is not None or root is None:
            return Answer(200, answers.upload_refused(stamp, problem or ""), XML, {**notes, "outcome": "refused"})
        stored = self._accept(env, caller, params, standard, cif, request, root)
        return Answer(200, answers.upload_accepted(stamp, stored.index), XML,
                      {**notes, "index": stored.index, "outcome": "accepted"})

    def _upload_problem(self, env: str, caller: Caller, params: Mapping[str, str], standard: str, cif: str,
                        request: UploadRequest) -> str | None:
        """Rows 3–12 of §6.3: the first failing check's text, or None."""
        if standard not in rules.STANDARDS:
            return texts.STANDARD_VALUES
        if anaf_numbers.whole_number(cif) is None:
            return texts.CIF_NOT_NUMBER.format(cif=cif)
        for name, text in (("extern", texts.EXTERN_VALUE), ("autofactura", texts.AUTOFACTURA_VALUE),
                           ("executare", texts.EXECUTARE_VALUE)):
            if name in params and params[name] != "DA":
                return text
        if not caller.cifs:
            return texts.NO_CIF_AT_ALL
        if not caller.may_act_for(cif):
            return texts.NO_RIGHT_FOR_CIF.format(cif=cif)
        if params.get("executare") == "DA":
            taxpayer = self.taxpayers.get(cif)
            if taxpayer is None or not taxpayer.executare:
                return texts.NOT_EXECUTARE.format(cif=cif)
        if standard == "RASP":
            allowed, limit = self._quota(env, "rasp", cif)
            if not allowed:
                return texts.RASP_QUOTA.format(n=limit, cif=cif)
        if request.too_big or len(request.body) > rules.MAX_BODY:
            return texts.TOO_BIG
        return None

    def _accept(self, env: str, caller: Caller, params: Mapping[str, str], standard: str, cif: str,
                request: UploadRequest, root: Any) -> Upload:
        """Decide the outcome now (§6.4), store it to be revealed at `ready_at`."""
        now = self.now()
        settings = self.settings.current()
        flags = tuple(name for name in ("extern", "autofactura", "executare") if params.get(name) == "DA")
        flags = (("b2c",) if request.b2c else ()) + flags
        fields = rules.extract(root, standard) if standard != "RASP" else rules.InvoiceFields(cif, None, None, None)
        target = rules.rasp_target(root) if standard == "RASP" else None
        armed = self.store.armed.take(env, cif)
        if armed is not None:
            decision = rules.Decision(armed.outcome, armed.errors or
                                      ((texts.FORCED_ERROR,) if armed.outcome == "nok" else ()))
        elif standard == "RASP":
            decision = self._decide_rasp(env, cif, target or "")
        else:
            decision = self._decide_invoice(env, caller, standard, fields, flags, root)
        state = STATES.get(decision.outcome, decision.outcome)
        ready_at = now + settings.processing_seconds
        upload = Upload(
            index="", env=env, cif=cif, standard=standard, flags=flags, serial=caller.serial,
            client_id=caller.client_id, seller=fields.seller, buyer=fields.buyer, number=fields.number,
            issue_date=fields.issue_date, target=target, received_at=now, ready_at=ready_at,
            listed_at=ready_at + settings.list_lag_seconds, state=state,
            errors=decision.errors if state == texts.STATE_NOK else (),
            owner=rules.error_owner(fields.seller, cif, self.taxpayers, caller.cifs), download_id=None,
            body=request.body,
        )
        return self.store.add_uploads([upload], self.messages_for)[0]

    def _decide_invoice(self, env: str, caller: Caller, standard: str, fields: rules.InvoiceFields,
                        flags: tuple[str, ...], root: Any) -> rules.Decision:
        duplicate = None
        if fields.seller and fields.number and fields.issue_date:
            earlier = self.store.earlier_ok(env, fields.seller, fields.number, fields.issue_date)
            if earlier is not None:
                duplicate = rules.Duplicate(earlier.index, anaf_time.day(earlier.received_at))
        identity = rules.identity_error(fields, registry=self.taxpayers, rights=caller.cifs,
                                        self_billed="autofactura" in flags, executare="executare" in flags,
                                        duplicate=duplicate)
        content = [] if identity else rules.content_errors(root, standard, b2c="b2c" in flags,
                                                           extern="extern" in flags)
        return rules.decide(identity, content)

    def _decide_rasp(self, env: str, cif: str, target: str) -> rules.Decision:
        """B3 (§6.5): a buyer's message must answer an `ok` invoice of this env where `cif` is a party."""
        invoice = self.store.upload(env, target) if anaf_numbers.whole_number(target) is not None else None
        if invoice is None or invoice.state != texts.STATE_OK or cif not in (invoice.seller, invoice.buyer):
            return rules.Decision("nok", (texts.RULE_RASP_TARGET.format(index=target, cif=cif),))
        return rules.Decision("ok")

    def messages_for(self, upload: Upload) -> list[Message]:
        """The list entries of a stored upload (§6.4)."""
        counterpart = None
        if upload.standard == "RASP" and upload.target:
            invoice = self.store.upload(upload.env, upload.target)
            if invoice is not None:
                counterpart = invoice.seller if upload.cif == invoice.buyer else invoice.buyer
        finished = lists.Finished(
            index=upload.index, state=upload.state, standard=upload.standard, cif=upload.cif, seller=upload.seller,
            buyer=upload.buyer, owner=upload.owner, b2c="b2c" in upload.flags, extern="extern" in upload.flags,
            self_billed="autofactura" in upload.flags, target=upload.target, counterpart=counterpart,
        )
        return [Message(owner, tip, detalii) for owner, tip, detalii in lists.entries_for(finished)]

    # -- stareMesaj (§6.6) --

    def stare(self, env: str, caller: Caller, params: Mapping[str, str]) -> Answer:
        value = _given(params, "id_incarcare")
        if value is None:
            return self._bad_request(texts.STARE_PARAM_REQUIRED)
        notes: dict[str, Any] = {"env": env, "index": value[:20]}
        problem, upload = self._stare_problem(env, caller, value)
        if problem is not None or upload is None:
            return Answer(200, answers.stare_error(problem or ""), XML, {**notes, "outcome": "error"})
        state = revealed_state(upload.state, upload.ready_at, self.now())
        download_id = upload.download_id if state in (texts.STATE_OK, texts.STATE_NOK) else None
        return Answer(200, answers.stare(state, download_id), XML,
                      {**notes, "cif": upload.cif, "outcome": state, "download_id": download_id})

    def _stare_problem(self, env: str, caller: Caller, value: str) -> tuple[str | None, Upload | None]:
        if anaf_numbers.whole_number(value) is None:
            return texts.ID_INCARCARE_NOT_INTEGER.format(value=value), None
        if not caller.cifs:
            return texts.STARE_NO_CIF, None
        index = str(int(value))
        upload = self.store.upload(env, index)
        if upload is None:
            return texts.NO_SUCH_UPLOAD.format(index=index), None
        if not (caller.may_act_for(upload.cif) or (upload.seller is not None and caller.may_act_for(upload.seller))):
            return texts.NO_RIGHT_TO_QUERY.format(index=index), None
        allowed, limit = self._quota(env, "stare", index)
        if not allowed:
            return texts.STARE_QUOTA.format(n=limit), None
        return None, upload

    # -- listaMesajeFactura (§6.7) --

    def lista(self, env: str, caller: Caller, params: Mapping[str, str]) -> Answer:
        zile, cif = _given(params, "zile"), _given(params, "cif")
        if zile is None or cif is None:
            return self._bad_request(texts.LISTA_PARAMS_REQUIRED)
        query = lists.check_days_query(zile, cif, params.get("filtru"))
        notes = {"env": env, "cif": cif[:20]}
        if isinstance(query, str):
            return json_answer(lists.list_error(query), **notes, outcome="error")
        problem = self._rights_and_quota(env, caller, cif, "lista")
        if problem is not None:
            return json_answer(lists.list_error(problem), **notes, outcome="error")
        now = self.now()
        since, until = lists.days_window(now, query.zile)
        tips = lists.FILTERS[query.filtru] if query.filtru else None
        rows = self.store.messages(env, cif, since, until, tips, limit=lists.MAX_UNPAGED + 1)
        if len(rows) > lists.MAX_UNPAGED:
            return json_answer(lists.list_error(texts.LIST_TOO_LONG), **notes, outcome="error")
        if not rows:
            return json_answer(lists.list_error(texts.NO_MESSAGES_DAYS.format(zile=query.zile)), **notes,
                               outcome="empty")
        entries = [_entry(r) for r in rows]
        return json_answer(lists.days_answer(entries, caller.serial, cif, query.zile), **notes,
                           outcome=f"{len(entries)} messages")

    def _rights_and_quota(self, env: str, caller: Caller, cif: str, kind: str) -> str | None:
        if not caller.cifs:
            return texts.NO_CIF_AT_ALL
        if not caller.may_act_for(cif):
            return texts.NO_RIGHT_FOR_CIF.format(cif=cif)
        allowed, limit = self._quota(env, kind, cif)
        return None if allowed else texts.LIST_QUOTA.format(n=limit)

    # -- listaMesajePaginatieFactura (§6.8) --

    def paginatie(self, env: str, caller: Caller, params: Mapping[str, str]) -> Answer:
        names = ("startTime", "endTime", "cif", "pagina")
        values = [_given(params, n) for n in names]
        if any(v is None for v in values):
            return self._bad_request(texts.PAGINATIE_PARAMS_REQUIRED)
        start, end, cif, page = (v or "" for v in values)
        notes = {"env": env, "cif": cif[:20]}
        query = lists.check_interval_query(start, end, cif, page, params.get("filtru"))
        if isinstance(query, str):
            return json_answer(lists.list_error(query), **notes, outcome="error")
        problem = self._rights_and_quota(env, caller, cif, "lista_paginatie") or \
            lists.interval_problem(query, self.now())
        if problem is not None:
            return json_answer(lists.list_error(problem), **notes, outcome="error")
        tips = lists.FILTERS[query.filtru] if query.filtru else None
        since, until = query.start_ms / 1000, query.end_ms / 1000
        total = self.store.count_messages(env, cif, since, until, tips)
        if total == 0:
            return json_answer(lists.list_error(texts.NO_MESSAGES_INTERVAL), **notes, outcome="empty")
        pages = lists.page_count(total)
        if query.page > pages:
            return json_answer(lists.list_error(texts.PAGE_TOO_HIGH.format(page=query.page, pages=pages)), **notes,
                               outcome="error")
        rows = self.store.messages(env, cif, since, until, tips, limit=lists.PAGE_SIZE,
                                   offset=(query.page - 1) * lists.PAGE_SIZE)
        return json_answer(lists.page_answer([_entry(r) for r in rows], total, query, caller.serial), **notes,
                           outcome=f"page {query.page} of {pages}")

    # -- descarcare (§6.9) --

    def descarcare(self, env: str, caller: Caller, params: Mapping[str, str]) -> Answer:
        value = _given(params, "id")
        if value is None:
            return self._bad_request(texts.DESCARCARE_PARAM_REQUIRED)
        notes: dict[str, Any] = {"env": env, "download_id": value[:20]}
        problem, upload = self._download_problem(env, caller, value)
        if problem is not None or upload is None:
            return json_answer(answers.download_error(problem or ""), **notes, outcome="error")
        assert upload.download_id is not None
        if upload.state == texts.STATE_OK:
            content = upload.body
        else:
            content = archive.error_list(upload.index, upload.owner or upload.cif, upload.errors)
        data = archive.build_zip(upload.index, content, self.signer)
        headers = {"Content-Disposition": f'attachment; filename="{upload.download_id}.zip"'}
        return Answer(200, data, ZIP, {**notes, "index": upload.index, "cif": upload.cif, "outcome": upload.state},
                      headers)

    def _download_problem(self, env: str, caller: Caller, value: str) -> tuple[str | None, Upload | None]:
        if anaf_numbers.whole_number(value) is None:
            return texts.ID_NOT_INTEGER.format(value=value), None
        download_id = str(int(value))
        now = self.now()
        upload = self.store.by_download(env, download_id)
        if upload is None or now < upload.ready_at:
            return texts.NO_SUCH_DOWNLOAD.format(id=download_id), None
        if not any(caller.may_act_for(owner) for owner in self.store.owners(env, download_id)):
            return texts.NO_RIGHT_TO_DOWNLOAD, None
        if now - upload.received_at > lists.WINDOW_DAYS * lists.DAY:
            return texts.DOWNLOAD_EXPIRED, None
        allowed, limit = self._quota(env, "descarcare", download_id)
        if not allowed:
            return texts.DOWNLOAD_QUOTA.format(n=limit, id=download_id), None
        return None, upload


def _entry(row: Any) -> lists.Entry:
    return lists.Entry(row["download_id"], row["listed_at"], row["owner"], row["idx"], row["detalii"], row["tip"])
