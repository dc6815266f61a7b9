"""The four e-Transport operations (SPEC-ANAF-API §7.1–§7.5): ANAF's checks in ANAF's order, then the work.

Each takes the caller the gateway admitted, the path or query values and the time, and returns an
``Answer`` (status, JSON, journal notes); `routes.py` only turns HTTP into these calls. No Flask here.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from mock_anaf import anaf_numbers, anaf_time
from mock_anaf.etransport import answers, lists, rules, texts
from mock_anaf.etransport.answers import Answer
from mock_anaf.etransport.declaration import Declaration
from mock_anaf.etransport.store import EtransportStore, Upload
from mock_anaf.gateway import Caller
from mock_anaf.processing import Quotas, RuntimeSettings, revealed_state
from mock_anaf.taxpayers import Taxpayers

# The outcomes the control plane may force, by the names §6.11 gives them.
STATES = {"ok": texts.STARE_OK, "nok": texts.STARE_NOK, "xml_errors": texts.STARE_XML_ERRORS}


@dataclass(frozen=True)
class UploadRequest:
    """An upload as the route read it: the path segments, and the body unless it was too big to read."""

    standard: str
    cif: str
    versiune: str | None
    body: bytes
    too_big: bool = False


class Etransport:
    """The operations of one mock ANAF's e-Transport API, over its store, registry, quotas and settings."""

    def __init__(self, store: EtransportStore, taxpayers: Taxpayers, quotas: Quotas, settings: RuntimeSettings,
                 now: Callable[[], float], chooser: rules.Chooser | None = None,
                 trace_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> None:
        self.store = store
        self.taxpayers = taxpayers
        self.quotas = quotas
        self.settings = settings
        self.now = now
        self.chooser = chooser or secrets.SystemRandom()
        self.trace_id = trace_id

    # -- the error shapes, also what faults answer with (`technical_error`) --

    def errors(self, message: str, **notes: Any) -> Answer:
        """`Errors[]` with ExecutionStatus 1: upload, stareMesaj and lista."""
        return Answer(200, answers.errors(anaf_time.minute_stamp(self.now()), self.trace_id(), message), notes)

    def info_error(self, message: str, **notes: Any) -> Answer:
        """`info`'s singular `error`."""
        return Answer(200, answers.info_error(anaf_time.minute_stamp(self.now()), self.trace_id(), message), notes)

    def _quota(self, env: str, kind: str, key: str) -> tuple[bool, int]:
        limit = self.settings.current().quotas[kind]
        return self.quotas.take(env, kind, key, self.now(), limit), limit

    # -- upload (§7.1) --

    def upload(self, env: str, caller: Caller, request: UploadRequest) -> Answer:
        """Check in ANAF's order; accept with a new index (and a UIT), or refuse with ExecutionStatus 1."""
        notes = {"env": env, "cif": request.cif[:20]}
        refusal = (rules.path_refusal(request.standard, request.cif, request.versiune)
                   or rules.rights_refusal(caller.cifs, request.cif)
                   or (texts.TOO_LARGE if request.too_big else None))
        version = rules.version_of(request.versiune)
        if refusal is None:
            try:
                declaration = rules.read_upload(request.body, version)
            except rules.Refused as exc:
                refusal = str(exc)
        if refusal is not None:
            return self.errors(refusal, **notes, outcome="refused")
        stored = self._accept(env, caller, request, declaration)
        body = answers.upload_accepted(anaf_time.minute_stamp(self.now()), self.trace_id(), stored.index,
                                       stored.uit or "", declaration.ref_declarant, version)
        return Answer(200, body, {**notes, "index": stored.index, "outcome": "accepted"})

    def _accept(self, env: str, caller: Caller, request: UploadRequest, declaration: Declaration) -> Upload:
        """Decide the outcome now (§7.2), store it to be revealed at `ready_at`."""
        now = self.now()
        settings = self.settings.current()
        armed = self.store.armed.take(env, request.cif)
        if armed is not None:
            forced = armed.errors or ((texts.FORCED_ERROR,) if armed.outcome == "nok" else ())
            outcome = rules.Outcome(STATES[armed.outcome], forced, forced)
        else:
            referenced = None
            if declaration.referenced_uit:
                filed = self.store.filed_about(env, declaration.referenced_uit)
                referenced = lists.issued_uit(filed, declaration.referenced_uit, now)
            outcome = rules.decide(declaration, request.cif, referenced, anaf_time.local(now))
        nok = outcome.state == texts.STARE_NOK
        transport = declaration.transport
        ready_at = now + settings.processing_seconds
        upload = Upload(
            index=0, env=env, cif=request.cif, version=declaration.version, kind=declaration.kind,
            uit=declaration.referenced_uit, issued=False, carrier=None if transport is None else transport.tr_cod,
            declarant=declaration.cod_declarant, reference=declaration.ref_declarant, client_id=caller.client_id,
            received_at=now, ready_at=ready_at, listed_at=ready_at + settings.list_lag_seconds, state=outcome.state,
            errors=outcome.errors if nok else (), list_errors=outcome.list_messages if nok else (), body=request.body,
        )
        # A notification gets a new UIT at once, even if processing later says `nok` [V: LIVE].
        new_uit = (lambda: rules.new_uit(self.chooser)) if declaration.kind == "NOT" else None
        return self.store.add_upload(upload, new_uit)

    # -- stareMesaj (§7.3) --

    def stare(self, env: str, caller: Caller, value: str) -> Answer:
        """The state of an upload, or why it cannot be told."""
        notes: dict[str, Any] = {"env": env, "index": value[:20]}
        index = anaf_numbers.whole_number(value)
        if index is None:
            return self.errors(texts.id_not_an_integer(value), **notes, outcome="error")
        if not caller.cifs:
            return self.errors(texts.NO_CIF, **notes, outcome="error")
        upload = self.store.upload(env, index)
        if upload is None:
            return self.errors(texts.no_declaration(str(index)), **notes, outcome="error")
        notes["cif"] = upload.cif
        if not caller.may_act_for(upload.cif):
            return self.errors(texts.no_query_right(str(index)), **notes, outcome="error")
        allowed, limit = self._quota(env, "et_stare", str(index))
        if not allowed:
            return self.errors(texts.stare_quota(limit), **notes, outcome="quota")
        state = revealed_state(upload.state, upload.ready_at, self.now())
        shown = upload.errors if state == texts.STARE_NOK else ()
        body = answers.stare(anaf_time.minute_stamp(self.now()), self.trace_id(), state, shown)
        return Answer(200, body, {**notes, "outcome": state})

    # -- lista (§7.4) --

    def lista(self, env: str, caller: Caller, zile_value: str, cif: str) -> Answer:
        """A CIF's declarations of the last 1–60 days, each UIT in its final state."""
        notes = {"env": env, "cif": cif[:20]}
        zile = rules.java_int(zile_value)
        if zile is None:
            return self.errors(texts.zile_not_an_integer(zile_value), **notes, outcome="error")
        problem = (texts.ZILE_RANGE if not 1 <= zile <= 60 else None) or (
            None if anaf_numbers.is_number(cif) else texts.cif_not_a_number(cif)) or rules.rights_refusal(caller.cifs, cif)
        if problem is not None:
            return self.errors(problem, **notes, outcome="error")
        allowed, limit = self._quota(env, "et_lista", cif)
        if not allowed:
            return self.errors(texts.lista_quota(limit), **notes, outcome="quota")
        now = self.now()
        records = lists.list_records(self.store.filed_under(env, cif), now, zile)
        if not records:
            return self.errors(texts.no_messages(zile), **notes, outcome="empty")
        body = answers.lista(anaf_time.minute_stamp(now), self.trace_id(), records, caller.serial, cif, zile)
        return Answer(200, body, {**notes, "outcome": f"{len(records)} records"})

    # -- info (§7.5) --

    def info(self, env: str, caller: Caller, params: Mapping[str, str]) -> Answer:
        """Valid, unexpired notifications a transport organiser (`cui_op`) carries."""
        cui_op = params.get("cui_op") or None
        if cui_op is None:
            body = answers.bad_request(anaf_time.dashed(self.now()), texts.CUI_OP_REQUIRED)
            return Answer(400, body, {"env": env, "outcome": "bad_request"})
        notes = {"env": env, "cif": cui_op[:20]}
        cui_decl = params.get("cui_decl") or None
        problem = (None if anaf_numbers.is_number(cui_op) else texts.cui_op_not_a_number(cui_op)) or (
            texts.cui_decl_not_a_number(cui_decl) if cui_decl is not None and not anaf_numbers.is_number(cui_decl) else None
        ) or rules.rights_refusal(caller.cifs, cui_op)
        if problem is not None:
            return self.info_error(problem, **notes, outcome="error")
        records = lists.info_records(self.store.filed_carried_by(env, cui_op), self.now(), cui_op, self._name,
                                     cui_decl=cui_decl, uit=params.get("uit") or None,
                                     ref_decl=params.get("ref_decl") or None)
        if not records:
            return self.info_error(texts.NO_INFO, **notes, outcome="empty")
        return Answer(200, records, {**notes, "outcome": f"{len(records)} records"})

    def _name(self, cif: str) -> str | None:
        taxpayer = self.taxpayers.get(cif)
        return None if taxpayer is None else taxpayer.name
